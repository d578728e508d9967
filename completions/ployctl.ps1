
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ployctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ployctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ployctl' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch hosts back to the newest good (or a named) release and prove it healthy')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Show each host''s /health')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'List the releases on each host: standing (good, bad, unproven), current, running')
            [CompletionResult]::new('validate-config', 'validate-config', [CompletionResultType]::ParameterValue, 'Check each host''s config, secrets, database and exchange with its current release')
            [CompletionResult]::new('daily-check', 'daily-check', [CompletionResultType]::ParameterValue, 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Each host''s service log, readable (JSON lines rendered); -f follows')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history')
            [CompletionResult]::new('trading', 'trading', [CompletionResultType]::ParameterValue, 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Each host''s audit log: deploys, rollbacks, config pushes, kill-switch changes')
            [CompletionResult]::new('maintenance', 'maintenance', [CompletionResultType]::ParameterValue, 'Maintenance windows: halt, reduce or run on paper until the window ends')
            [CompletionResult]::new('incident', 'incident', [CompletionResultType]::ParameterValue, 'Incident runbooks: diagnose, and with --fix apply the remedy')
            [CompletionResult]::new('host', 'host', [CompletionResultType]::ParameterValue, 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume')
            [CompletionResult]::new('self-update', 'self-update', [CompletionResultType]::ParameterValue, 'Replace this ployctl with a signed release''s (the newest, or --version V)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;deploy' {
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The ploy binary to deploy')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Release name [default: the binary''s `ploy version` and the UTC time]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Hosts per batch after the canary, a number or a percentage (25%) [default: the rest at once]')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'The first N hosts go first and must stay healthy for --canary-soak before the rest')
            [CompletionResult]::new('--canary-soak', '--canary-soak', [CompletionResultType]::ParameterName, 'How long the canary must stay healthy, its kill switch active, its failed-order and API-error rates under the host''s [checks] gates (1s to 1h)')
            [CompletionResult]::new('--max-fail', '--max-fail', [CompletionResultType]::ParameterName, 'Failed hosts (unreachable ones count) tolerated, checked after every batch; past it no new batch starts [default: 0]')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan for each host and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Deploy even a release the host''s ledger marks bad, or one that already runs')
            [CompletionResult]::new('--rollback-all-on-fail', '--rollback-all-on-fail', [CompletionResultType]::ParameterName, 'When --max-fail is exceeded (or the canary fails), put the hosts this run deployed back to their previous release')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The release to go back to (name or unique prefix) [default: the newest good release other than the running one]')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan for each host and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go back even to a release the host''s ledger marks bad')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;health' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Poll until every host is healthy or the timeout passes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;releases' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;validate-config' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Validate this candidate file instead of the host''s config (nothing is installed)')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The ploy binary that validates with --local')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Validate on this machine with --binary and --file, no hosts (pre-commit, CI)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;daily-check' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The window looked at (errors, restarts, orders, fills, P&L)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Print a Markdown report (under GitHub Actions it also goes to the job summary)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on a warning too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back to start')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only lines of this level and more severe')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only lines containing this text')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following until Ctrl-C')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following until Ctrl-C')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print lines as the engine wrote them (JSON stays JSON)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;config' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `config push --file` would change on each host')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the configs each host keeps and the pushes in its audit log')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Push a kept config back (the newest by default), checked and proven like a push')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;config;push' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The new config file')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;config;diff' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The config file to compare with each host''s')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;config;history' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;config;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A kept config''s name from `config history` (or a unique part of it) [default: the newest]')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;config;help' {
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `config push --file` would change on each host')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the configs each host keeps and the pushes in its audit log')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Push a kept config back (the newest by default), checked and proven like a push')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;config;help;push' {
            break
        }
        'ployctl;config;help;diff' {
            break
        }
        'ployctl;config;help;history' {
            break
        }
        'ployctl;config;help;rollback' {
            break
        }
        'ployctl;config;help;help' {
            break
        }
        'ployctl;trading' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('halt', 'halt', [CompletionResultType]::ParameterValue, 'Cancel every resting order and place none; done once nothing rests')
            [CompletionResult]::new('reduce', 'reduce', [CompletionResultType]::ParameterValue, 'Only orders that shrink positions; the others are cancelled')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Trade normally again (refused while the host''s config keeps it stricter)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each host''s kill switch: state, since when, by whom, why, orders resting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;trading;halt' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the engine''s saved state and the host''s audit log)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the engine to confirm (and, halting, for nothing to rest)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;trading;reduce' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the engine''s saved state and the host''s audit log)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the engine to confirm (and, halting, for nothing to rest)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;trading;resume' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the engine''s saved state and the host''s audit log)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the engine to confirm (and, halting, for nothing to rest)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;trading;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;trading;help' {
            [CompletionResult]::new('halt', 'halt', [CompletionResultType]::ParameterValue, 'Cancel every resting order and place none; done once nothing rests')
            [CompletionResult]::new('reduce', 'reduce', [CompletionResultType]::ParameterValue, 'Only orders that shrink positions; the others are cancelled')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Trade normally again (refused while the host''s config keeps it stricter)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each host''s kill switch: state, since when, by whom, why, orders resting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;trading;help;halt' {
            break
        }
        'ployctl;trading;help;reduce' {
            break
        }
        'ployctl;trading;help;resume' {
            break
        }
        'ployctl;trading;help;status' {
            break
        }
        'ployctl;trading;help;help' {
            break
        }
        'ployctl;audit' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;maintenance' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Open a window (saved on the host: restarts and deploys keep it)')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'Close it: the mode and kill switch from before, proven healthy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;maintenance;start' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded on the host and in its audit log)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'What the window does')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the kill switch may take to confirm')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;maintenance;end' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the kill switch may take to confirm')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;maintenance;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Open a window (saved on the host: restarts and deploys keep it)')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'Close it: the mode and kill switch from before, proven healthy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;maintenance;help;start' {
            break
        }
        'ployctl;maintenance;help;end' {
            break
        }
        'ployctl;maintenance;help;help' {
            break
        }
        'ployctl;incident' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('stuck-orders', 'stuck-orders', [CompletionResultType]::ParameterValue, 'Orders stuck pending or open: looked up on the exchange; --fix settles them')
            [CompletionResult]::new('rate-limit', 'rate-limit', [CompletionResultType]::ParameterValue, 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it')
            [CompletionResult]::new('disk-full', 'disk-full', [CompletionResultType]::ParameterValue, 'The disk filling: free space and what uses it; --fix frees space in a safe order')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;incident;stuck-orders' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only orders stored this long ago or more')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the kill switch may take to confirm')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply the decisions: halt, restart (reconciliation), check again, restore')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --fix: do not ask (CI)')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;incident;rate-limit' {
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'The window looked at in the log and the order history')
            [CompletionResult]::new('--max-orders-per-minute', '--max-orders-per-minute', [CompletionResultType]::ParameterName, 'With --fix: the new limit')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Lower risk.max_orders_per_minute through a checked, proven config push')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --fix: do not ask (CI)')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;incident;disk-full' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the kill switch may take to confirm')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Free space: old releases, ploy''s logs, the journal, the SQLite WAL (never the database, the current or previous release, or the config)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --fix: do not ask (CI)')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;incident;help' {
            [CompletionResult]::new('stuck-orders', 'stuck-orders', [CompletionResultType]::ParameterValue, 'Orders stuck pending or open: looked up on the exchange; --fix settles them')
            [CompletionResult]::new('rate-limit', 'rate-limit', [CompletionResultType]::ParameterValue, 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it')
            [CompletionResult]::new('disk-full', 'disk-full', [CompletionResultType]::ParameterValue, 'The disk filling: free space and what uses it; --fix frees space in a safe order')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;incident;help;stuck-orders' {
            break
        }
        'ployctl;incident;help;rate-limit' {
            break
        }
        'ployctl;incident;help;disk-full' {
            break
        }
        'ployctl;incident;help;help' {
            break
        }
        'ployctl;host' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;host;bootstrap' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service manager [default: the host''s `service` in the inventory]')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Log in as this user (root, or one with passwordless sudo) instead of the host''s deploy user')
            [CompletionResult]::new('--authorized-key', '--authorized-key', [CompletionResultType]::ParameterName, 'A public key to add to the deploy user''s authorized_keys (e.g. ~/.ssh/id_ed25519.pub)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change on each host and change nothing')
            [CompletionResult]::new('--litestream', '--litestream', [CompletionResultType]::ParameterName, 'Also install Litestream''s replication of the SQLite database to the inventory''s [backup] destination (systemd hosts; litestream must be installed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;host;help' {
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;host;help;bootstrap' {
            break
        }
        'ployctl;host;help;help' {
            break
        }
        'ployctl;backup' {
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label for the backup''s name and manifest')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Copy it (and any earlier one not copied yet) to s3://bucket/prefix/<host> [default: the inventory''s [backup] destination]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Run the restore drill on the new backup right away')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each host''s backups: size, age, label and whether a restore drill proved it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;backup;list' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The copies in object storage (the inventory''s [backup] destination) instead of the host''s folder')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;backup;verify' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;backup;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each host''s backups: size, age, label and whether a restore drill proved it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;backup;help;list' {
            break
        }
        'ployctl;backup;help;verify' {
            break
        }
        'ployctl;backup;help;help' {
            break
        }
        'ployctl;restore' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The backup (as `backup list` shows it); with --to-new-host, default: the newest copy in object storage')
            [CompletionResult]::new('--from-host', '--from-host', [CompletionResultType]::ParameterName, 'With --to-new-host: whose copies to restore [default: the host''s own name]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the kill switch may take to confirm')
            [CompletionResult]::new('--health-timeout', '--health-timeout', [CompletionResultType]::ParameterName, 'Time a release has to become healthy [default: inventory, else 60s]')
            [CompletionResult]::new('--stability-window', '--stability-window', [CompletionResultType]::ParameterName, 'Time it must then stay healthy [default: inventory, else 10s]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another deploy''s lock instead of failing at once')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; needed when there is no terminal (CI)')
            [CompletionResult]::new('--to-new-host', '--to-new-host', [CompletionResultType]::ParameterName, 'A fresh host (after `host bootstrap` and a deploy on its paper config): the backup comes from object storage and trading stays halted until `ployctl trading resume`')
            [CompletionResult]::new('--force-unlock', '--force-unlock', [CompletionResultType]::ParameterName, 'Break a held lock (after making sure no deploy is running)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;self-update' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Install this release (e.g. 0.2.0 or v0.2.0), even an older one')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository whose releases to use')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Only say whether a newer release exists (exit 0 either way)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask at a terminal (elsewhere it never asks)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask at a terminal (elsewhere it never asks)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;completions' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colours')
            [CompletionResult]::new('--ssh-backend', '--ssh-backend', [CompletionResultType]::ParameterName, 'SSH implementation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON report on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every step as it starts')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ployctl;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch hosts back to the newest good (or a named) release and prove it healthy')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Show each host''s /health')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'List the releases on each host: standing (good, bad, unproven), current, running')
            [CompletionResult]::new('validate-config', 'validate-config', [CompletionResultType]::ParameterValue, 'Check each host''s config, secrets, database and exchange with its current release')
            [CompletionResult]::new('daily-check', 'daily-check', [CompletionResultType]::ParameterValue, 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Each host''s service log, readable (JSON lines rendered); -f follows')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history')
            [CompletionResult]::new('trading', 'trading', [CompletionResultType]::ParameterValue, 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Each host''s audit log: deploys, rollbacks, config pushes, kill-switch changes')
            [CompletionResult]::new('maintenance', 'maintenance', [CompletionResultType]::ParameterValue, 'Maintenance windows: halt, reduce or run on paper until the window ends')
            [CompletionResult]::new('incident', 'incident', [CompletionResultType]::ParameterValue, 'Incident runbooks: diagnose, and with --fix apply the remedy')
            [CompletionResult]::new('host', 'host', [CompletionResultType]::ParameterValue, 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume')
            [CompletionResult]::new('self-update', 'self-update', [CompletionResultType]::ParameterValue, 'Replace this ployctl with a signed release''s (the newest, or --version V)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ployctl;help;deploy' {
            break
        }
        'ployctl;help;rollback' {
            break
        }
        'ployctl;help;health' {
            break
        }
        'ployctl;help;releases' {
            break
        }
        'ployctl;help;validate-config' {
            break
        }
        'ployctl;help;daily-check' {
            break
        }
        'ployctl;help;status' {
            break
        }
        'ployctl;help;logs' {
            break
        }
        'ployctl;help;config' {
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `config push --file` would change on each host')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the configs each host keeps and the pushes in its audit log')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Push a kept config back (the newest by default), checked and proven like a push')
            break
        }
        'ployctl;help;config;push' {
            break
        }
        'ployctl;help;config;diff' {
            break
        }
        'ployctl;help;config;history' {
            break
        }
        'ployctl;help;config;rollback' {
            break
        }
        'ployctl;help;trading' {
            [CompletionResult]::new('halt', 'halt', [CompletionResultType]::ParameterValue, 'Cancel every resting order and place none; done once nothing rests')
            [CompletionResult]::new('reduce', 'reduce', [CompletionResultType]::ParameterValue, 'Only orders that shrink positions; the others are cancelled')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Trade normally again (refused while the host''s config keeps it stricter)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each host''s kill switch: state, since when, by whom, why, orders resting')
            break
        }
        'ployctl;help;trading;halt' {
            break
        }
        'ployctl;help;trading;reduce' {
            break
        }
        'ployctl;help;trading;resume' {
            break
        }
        'ployctl;help;trading;status' {
            break
        }
        'ployctl;help;audit' {
            break
        }
        'ployctl;help;maintenance' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Open a window (saved on the host: restarts and deploys keep it)')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'Close it: the mode and kill switch from before, proven healthy')
            break
        }
        'ployctl;help;maintenance;start' {
            break
        }
        'ployctl;help;maintenance;end' {
            break
        }
        'ployctl;help;incident' {
            [CompletionResult]::new('stuck-orders', 'stuck-orders', [CompletionResultType]::ParameterValue, 'Orders stuck pending or open: looked up on the exchange; --fix settles them')
            [CompletionResult]::new('rate-limit', 'rate-limit', [CompletionResultType]::ParameterValue, 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it')
            [CompletionResult]::new('disk-full', 'disk-full', [CompletionResultType]::ParameterValue, 'The disk filling: free space and what uses it; --fix frees space in a safe order')
            break
        }
        'ployctl;help;incident;stuck-orders' {
            break
        }
        'ployctl;help;incident;rate-limit' {
            break
        }
        'ployctl;help;incident;disk-full' {
            break
        }
        'ployctl;help;host' {
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task')
            break
        }
        'ployctl;help;host;bootstrap' {
            break
        }
        'ployctl;help;backup' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each host''s backups: size, age, label and whether a restore drill proved it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it')
            break
        }
        'ployctl;help;backup;list' {
            break
        }
        'ployctl;help;backup;verify' {
            break
        }
        'ployctl;help;restore' {
            break
        }
        'ployctl;help;self-update' {
            break
        }
        'ployctl;help;completions' {
            break
        }
        'ployctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
