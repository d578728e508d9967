# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ployctl_global_optspecs
    string join \n H/host= inventory= json q/quiet v/verbose color= ssh-backend= accept-new-host-key h/help V/version
end

function __fish_ployctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ployctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ployctl_using_subcommand
    set -l cmd (__fish_ployctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ployctl -n "__fish_ployctl_needs_command" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_needs_command" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_needs_command" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_needs_command" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_needs_command" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_needs_command" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_needs_command" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_needs_command" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_needs_command" -s V -l version -d 'Print version'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "deploy" -d 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "rollback" -d 'Switch hosts back to the newest good (or a named) release and prove it healthy'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "health" -d 'Show each host\'s /health'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "releases" -d 'List the releases on each host: standing (good, bad, unproven), current, running'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "validate-config" -d 'Check each host\'s config, secrets, database and exchange with its current release'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "daily-check" -d 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "status" -d 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "logs" -d 'Each host\'s service log, readable (JSON lines rendered); -f follows'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "config" -d 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "trading" -d 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "audit" -d 'Each host\'s audit log: deploys, rollbacks, config pushes, kill-switch changes'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "maintenance" -d 'Maintenance windows: halt, reduce or run on paper until the window ends'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "incident" -d 'Incident runbooks: diagnose, and with --fix apply the remedy'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "host" -d 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "backup" -d 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "restore" -d 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "self-update" -d 'Replace this ployctl with a signed release\'s (the newest, or --version V)'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c ployctl -n "__fish_ployctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l binary -d 'The ploy binary to deploy' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l version -d 'Release name [default: the binary\'s `ploy version` and the UTC time]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l batch-size -d 'Hosts per batch after the canary, a number or a percentage (25%) [default: the rest at once]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l canary -d 'The first N hosts go first and must stay healthy for --canary-soak before the rest' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l canary-soak -d 'How long the canary must stay healthy, its kill switch active, its failed-order and API-error rates under the host\'s [checks] gates (1s to 1h)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l max-fail -d 'Failed hosts (unreachable ones count) tolerated, checked after every batch; past it no new batch starts [default: 0]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l dry-run -d 'Print the plan for each host and change nothing'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l force -d 'Deploy even a release the host\'s ledger marks bad, or one that already runs'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l rollback-all-on-fail -d 'When --max-fail is exceeded (or the canary fails), put the hosts this run deployed back to their previous release'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l to -d 'The release to go back to (name or unique prefix) [default: the newest good release other than the running one]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l dry-run -d 'Print the plan for each host and change nothing'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l force -d 'Go back even to a release the host\'s ledger marks bad'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l timeout -d 'How long --wait waits' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l wait -d 'Poll until every host is healthy or the timeout passes'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand releases" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l file -d 'Validate this candidate file instead of the host\'s config (nothing is installed)' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l binary -d 'The ploy binary that validates with --local' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l local -d 'Validate on this machine with --binary and --file, no hosts (pre-commit, CI)'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand validate-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l since -d 'The window looked at (errors, restarts, orders, fills, P&L)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l markdown -d 'Print a Markdown report (under GitHub Actions it also goes to the job summary)'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l strict -d 'Exit 1 on a warning too'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand daily-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l since -d 'How far back to start' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l level -d 'Only lines of this level and more severe' -r -f -a "error\t'ERROR'
warn\t'WARN and above'
info\t'INFO and above'
debug\t'DEBUG and above'
trace\t'Everything'"
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l grep -d 'Only lines containing this text' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -s f -l follow -d 'Keep following until Ctrl-C'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l raw -d 'Print lines as the engine wrote them (JSON stays JSON)'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -f -a "push" -d 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -f -a "diff" -d 'Show what `config push --file` would change on each host'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -f -a "history" -d 'List the configs each host keeps and the pushes in its audit log'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -f -a "rollback" -d 'Push a kept config back (the newest by default), checked and proven like a push'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and not __fish_seen_subcommand_from push diff history rollback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l file -d 'The new config file' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l file -d 'The config file to compare with each host\'s' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l to -d 'A kept config\'s name from `config history` (or a unique part of it) [default: the newest]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "push" -d 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show what `config push --file` would change on each host'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "history" -d 'List the configs each host keeps and the pushes in its audit log'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Push a kept config back (the newest by default), checked and proven like a push'
complete -c ployctl -n "__fish_ployctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -f -a "halt" -d 'Cancel every resting order and place none; done once nothing rests'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -f -a "reduce" -d 'Only orders that shrink positions; the others are cancelled'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -f -a "resume" -d 'Trade normally again (refused while the host\'s config keeps it stricter)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -f -a "status" -d 'Each host\'s kill switch: state, since when, by whom, why, orders resting'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and not __fish_seen_subcommand_from halt reduce resume status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l reason -d 'Why (recorded in the engine\'s saved state and the host\'s audit log)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l timeout -d 'How long to wait for the engine to confirm (and, halting, for nothing to rest)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from halt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l reason -d 'Why (recorded in the engine\'s saved state and the host\'s audit log)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l timeout -d 'How long to wait for the engine to confirm (and, halting, for nothing to rest)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from reduce" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l reason -d 'Why (recorded in the engine\'s saved state and the host\'s audit log)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l timeout -d 'How long to wait for the engine to confirm (and, halting, for nothing to rest)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from help" -f -a "halt" -d 'Cancel every resting order and place none; done once nothing rests'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from help" -f -a "reduce" -d 'Only orders that shrink positions; the others are cancelled'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Trade normally again (refused while the host\'s config keeps it stricter)'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from help" -f -a "status" -d 'Each host\'s kill switch: state, since when, by whom, why, orders resting'
complete -c ployctl -n "__fish_ployctl_using_subcommand trading; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l since -d 'How far back' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -f -a "start" -d 'Open a window (saved on the host: restarts and deploys keep it)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -f -a "end" -d 'Close it: the mode and kill switch from before, proven healthy'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and not __fish_seen_subcommand_from start end help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l reason -d 'Why (recorded on the host and in its audit log)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l mode -d 'What the window does' -r -f -a "halted\t'Halt: cancel every resting order and place none'
reducing\t'Reduce: positions may close, nothing grows'
paper\t'Paper: restart the engine in paper mode (same market data, simulated fills, no keys used)'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l timeout -d 'How long the kill switch may take to confirm' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l timeout -d 'How long the kill switch may take to confirm' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "start" -d 'Open a window (saved on the host: restarts and deploys keep it)'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "end" -d 'Close it: the mode and kill switch from before, proven healthy'
complete -c ployctl -n "__fish_ployctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -f -a "stuck-orders" -d 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -f -a "rate-limit" -d 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -f -a "disk-full" -d 'The disk filling: free space and what uses it; --fix frees space in a safe order'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and not __fish_seen_subcommand_from stuck-orders rate-limit disk-full help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l older-than -d 'Only orders stored this long ago or more' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l timeout -d 'How long the kill switch may take to confirm' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l fix -d 'Apply the decisions: halt, restart (reconciliation), check again, restore'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l yes -d 'With --fix: do not ask (CI)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from stuck-orders" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l window -d 'The window looked at in the log and the order history' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l max-orders-per-minute -d 'With --fix: the new limit' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l fix -d 'Lower risk.max_orders_per_minute through a checked, proven config push'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l yes -d 'With --fix: do not ask (CI)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from rate-limit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l timeout -d 'How long the kill switch may take to confirm' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l fix -d 'Free space: old releases, ploy\'s logs, the journal, the SQLite WAL (never the database, the current or previous release, or the config)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l yes -d 'With --fix: do not ask (CI)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from disk-full" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "stuck-orders" -d 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "rate-limit" -d 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "disk-full" -d 'The disk filling: free space and what uses it; --fix frees space in a safe order'
complete -c ployctl -n "__fish_ployctl_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -f -a "bootstrap" -d 'Prepare a host from templates/: the ploy user, the root\'s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and not __fish_seen_subcommand_from bootstrap help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l service -d 'The service manager [default: the host\'s `service` in the inventory]' -r -f -a "systemd\t'The systemd unit (deployment/systemd/ploy.service), enabled, with its sudoers rule'
daemon\t'start-stop-daemon with run/ploy.pid and logs/ploy.log (containers, small VMs)'"
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l login -d 'Log in as this user (root, or one with passwordless sudo) instead of the host\'s deploy user' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l authorized-key -d 'A public key to add to the deploy user\'s authorized_keys (e.g. ~/.ssh/id_ed25519.pub)' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l dry-run -d 'Show what would change on each host and change nothing'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l litestream -d 'Also install Litestream\'s replication of the SQLite database to the inventory\'s [backup] destination (systemd hosts; litestream must be installed)'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "bootstrap" -d 'Prepare a host from templates/: the ploy user, the root\'s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
complete -c ployctl -n "__fish_ployctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l label -d 'A label for the backup\'s name and manifest' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l to -d 'Copy it (and any earlier one not copied yet) to s3://bucket/prefix/<host> [default: the inventory\'s [backup] destination]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l verify -d 'Run the restore drill on the new backup right away'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -f -a "list" -d 'Each host\'s backups: size, age, label and whether a restore drill proved it'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -f -a "verify" -d 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and not __fish_seen_subcommand_from list verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l remote -d 'The copies in object storage (the inventory\'s [backup] destination) instead of the host\'s folder'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l timeout -d 'Give up on a host after this long' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'Each host\'s backups: size, age, label and whether a restore drill proved it'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "verify" -d 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
complete -c ployctl -n "__fish_ployctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l from -d 'The backup (as `backup list` shows it); with --to-new-host, default: the newest copy in object storage' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l from-host -d 'With --to-new-host: whose copies to restore [default: the host\'s own name]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l timeout -d 'How long the kill switch may take to confirm' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l health-timeout -d 'Time a release has to become healthy [default: inventory, else 60s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l stability-window -d 'Time it must then stay healthy [default: inventory, else 10s]' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l lock-wait -d 'Wait this long for another deploy\'s lock instead of failing at once' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l yes -d 'Do not ask; needed when there is no terminal (CI)'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l to-new-host -d 'A fresh host (after `host bootstrap` and a deploy on its paper config): the backup comes from object storage and trading stays halted until `ployctl trading resume`'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l force-unlock -d 'Break a held lock (after making sure no deploy is running)'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l version -d 'Install this release (e.g. 0.2.0 or v0.2.0), even an older one' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l api-url -d 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l repo -d 'The repository whose releases to use' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l check -d 'Only say whether a newer release exists (exit 0 either way)'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -s y -l yes -d 'Do not ask at a terminal (elsewhere it never asks)'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand self-update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -s H -l host -d 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)' -r
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -l inventory -d 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]' -r -F
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -l color -d 'Colours' -r -f -a "auto\t'When the output is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -l ssh-backend -d 'SSH implementation' -r -f -a "openssh\t'The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent)'
native\t'Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file'"
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -l json -d 'Print one machine-readable JSON report on stdout'
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -s q -l quiet -d 'Print only results and errors'
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -s v -l verbose -d 'Print every step as it starts'
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -l accept-new-host-key -d 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
complete -c ployctl -n "__fish_ployctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "deploy" -d 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "rollback" -d 'Switch hosts back to the newest good (or a named) release and prove it healthy'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "health" -d 'Show each host\'s /health'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "releases" -d 'List the releases on each host: standing (good, bad, unproven), current, running'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "validate-config" -d 'Check each host\'s config, secrets, database and exchange with its current release'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "daily-check" -d 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "status" -d 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "logs" -d 'Each host\'s service log, readable (JSON lines rendered); -f follows'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "config" -d 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "trading" -d 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "audit" -d 'Each host\'s audit log: deploys, rollbacks, config pushes, kill-switch changes'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "maintenance" -d 'Maintenance windows: halt, reduce or run on paper until the window ends'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "incident" -d 'Incident runbooks: diagnose, and with --fix apply the remedy'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "host" -d 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "backup" -d 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "restore" -d 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "self-update" -d 'Replace this ployctl with a signed release\'s (the newest, or --version V)'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and not __fish_seen_subcommand_from deploy rollback health releases validate-config daily-check status logs config trading audit maintenance incident host backup restore self-update completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "push" -d 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "diff" -d 'Show what `config push --file` would change on each host'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "history" -d 'List the configs each host keeps and the pushes in its audit log'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rollback" -d 'Push a kept config back (the newest by default), checked and proven like a push'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from trading" -f -a "halt" -d 'Cancel every resting order and place none; done once nothing rests'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from trading" -f -a "reduce" -d 'Only orders that shrink positions; the others are cancelled'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from trading" -f -a "resume" -d 'Trade normally again (refused while the host\'s config keeps it stricter)'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from trading" -f -a "status" -d 'Each host\'s kill switch: state, since when, by whom, why, orders resting'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "start" -d 'Open a window (saved on the host: restarts and deploys keep it)'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "end" -d 'Close it: the mode and kill switch from before, proven healthy'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from incident" -f -a "stuck-orders" -d 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from incident" -f -a "rate-limit" -d 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from incident" -f -a "disk-full" -d 'The disk filling: free space and what uses it; --fix frees space in a safe order'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "bootstrap" -d 'Prepare a host from templates/: the ploy user, the root\'s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'Each host\'s backups: size, age, label and whether a restore drill proved it'
complete -c ployctl -n "__fish_ployctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "verify" -d 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
