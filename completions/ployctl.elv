
use builtin;
use str;

set edit:completion:arg-completer[ployctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ployctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ployctl'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not'
            cand rollback 'Switch hosts back to the newest good (or a named) release and prove it healthy'
            cand health 'Show each host''s /health'
            cand releases 'List the releases on each host: standing (good, bad, unproven), current, running'
            cand validate-config 'Check each host''s config, secrets, database and exchange with its current release'
            cand daily-check 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L'
            cand status 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L'
            cand logs 'Each host''s service log, readable (JSON lines rendered); -f follows'
            cand config 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history'
            cand trading 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status'
            cand audit 'Each host''s audit log: deploys, rollbacks, config pushes, kill-switch changes'
            cand maintenance 'Maintenance windows: halt, reduce or run on paper until the window ends'
            cand incident 'Incident runbooks: diagnose, and with --fix apply the remedy'
            cand host 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently'
            cand backup 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it'
            cand restore 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume'
            cand self-update 'Replace this ployctl with a signed release''s (the newest, or --version V)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;deploy'= {
            cand --binary 'The ploy binary to deploy'
            cand --version 'Release name [default: the binary''s `ploy version` and the UTC time]'
            cand --batch-size 'Hosts per batch after the canary, a number or a percentage (25%) [default: the rest at once]'
            cand --canary 'The first N hosts go first and must stay healthy for --canary-soak before the rest'
            cand --canary-soak 'How long the canary must stay healthy, its kill switch active, its failed-order and API-error rates under the host''s [checks] gates (1s to 1h)'
            cand --max-fail 'Failed hosts (unreachable ones count) tolerated, checked after every batch; past it no new batch starts [default: 0]'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --dry-run 'Print the plan for each host and change nothing'
            cand --force 'Deploy even a release the host''s ledger marks bad, or one that already runs'
            cand --rollback-all-on-fail 'When --max-fail is exceeded (or the canary fails), put the hosts this run deployed back to their previous release'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;rollback'= {
            cand --to 'The release to go back to (name or unique prefix) [default: the newest good release other than the running one]'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --dry-run 'Print the plan for each host and change nothing'
            cand --force 'Go back even to a release the host''s ledger marks bad'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;health'= {
            cand --timeout 'How long --wait waits'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --wait 'Poll until every host is healthy or the timeout passes'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;releases'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;validate-config'= {
            cand --file 'Validate this candidate file instead of the host''s config (nothing is installed)'
            cand --binary 'The ploy binary that validates with --local'
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --local 'Validate on this machine with --binary and --file, no hosts (pre-commit, CI)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;daily-check'= {
            cand --since 'The window looked at (errors, restarts, orders, fills, P&L)'
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --markdown 'Print a Markdown report (under GitHub Actions it also goes to the job summary)'
            cand --strict 'Exit 1 on a warning too'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;status'= {
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;logs'= {
            cand --since 'How far back to start'
            cand --level 'Only lines of this level and more severe'
            cand --grep 'Only lines containing this text'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand -f 'Keep following until Ctrl-C'
            cand --follow 'Keep following until Ctrl-C'
            cand --raw 'Print lines as the engine wrote them (JSON stays JSON)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;config'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand push 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
            cand diff 'Show what `config push --file` would change on each host'
            cand history 'List the configs each host keeps and the pushes in its audit log'
            cand rollback 'Push a kept config back (the newest by default), checked and proven like a push'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;config;push'= {
            cand --file 'The new config file'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;config;diff'= {
            cand --file 'The config file to compare with each host''s'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;config;history'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;config;rollback'= {
            cand --to 'A kept config''s name from `config history` (or a unique part of it) [default: the newest]'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;config;help'= {
            cand push 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
            cand diff 'Show what `config push --file` would change on each host'
            cand history 'List the configs each host keeps and the pushes in its audit log'
            cand rollback 'Push a kept config back (the newest by default), checked and proven like a push'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;config;help;push'= {
        }
        &'ployctl;config;help;diff'= {
        }
        &'ployctl;config;help;history'= {
        }
        &'ployctl;config;help;rollback'= {
        }
        &'ployctl;config;help;help'= {
        }
        &'ployctl;trading'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand halt 'Cancel every resting order and place none; done once nothing rests'
            cand reduce 'Only orders that shrink positions; the others are cancelled'
            cand resume 'Trade normally again (refused while the host''s config keeps it stricter)'
            cand status 'Each host''s kill switch: state, since when, by whom, why, orders resting'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;trading;halt'= {
            cand --reason 'Why (recorded in the engine''s saved state and the host''s audit log)'
            cand --timeout 'How long to wait for the engine to confirm (and, halting, for nothing to rest)'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;trading;reduce'= {
            cand --reason 'Why (recorded in the engine''s saved state and the host''s audit log)'
            cand --timeout 'How long to wait for the engine to confirm (and, halting, for nothing to rest)'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;trading;resume'= {
            cand --reason 'Why (recorded in the engine''s saved state and the host''s audit log)'
            cand --timeout 'How long to wait for the engine to confirm (and, halting, for nothing to rest)'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;trading;status'= {
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;trading;help'= {
            cand halt 'Cancel every resting order and place none; done once nothing rests'
            cand reduce 'Only orders that shrink positions; the others are cancelled'
            cand resume 'Trade normally again (refused while the host''s config keeps it stricter)'
            cand status 'Each host''s kill switch: state, since when, by whom, why, orders resting'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;trading;help;halt'= {
        }
        &'ployctl;trading;help;reduce'= {
        }
        &'ployctl;trading;help;resume'= {
        }
        &'ployctl;trading;help;status'= {
        }
        &'ployctl;trading;help;help'= {
        }
        &'ployctl;audit'= {
            cand --since 'How far back'
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;maintenance'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand start 'Open a window (saved on the host: restarts and deploys keep it)'
            cand end 'Close it: the mode and kill switch from before, proven healthy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;maintenance;start'= {
            cand --reason 'Why (recorded on the host and in its audit log)'
            cand --mode 'What the window does'
            cand --timeout 'How long the kill switch may take to confirm'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;maintenance;end'= {
            cand --timeout 'How long the kill switch may take to confirm'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;maintenance;help'= {
            cand start 'Open a window (saved on the host: restarts and deploys keep it)'
            cand end 'Close it: the mode and kill switch from before, proven healthy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;maintenance;help;start'= {
        }
        &'ployctl;maintenance;help;end'= {
        }
        &'ployctl;maintenance;help;help'= {
        }
        &'ployctl;incident'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand stuck-orders 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
            cand rate-limit 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
            cand disk-full 'The disk filling: free space and what uses it; --fix frees space in a safe order'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;incident;stuck-orders'= {
            cand --older-than 'Only orders stored this long ago or more'
            cand --timeout 'How long the kill switch may take to confirm'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --fix 'Apply the decisions: halt, restart (reconciliation), check again, restore'
            cand --yes 'With --fix: do not ask (CI)'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;incident;rate-limit'= {
            cand --window 'The window looked at in the log and the order history'
            cand --max-orders-per-minute 'With --fix: the new limit'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --fix 'Lower risk.max_orders_per_minute through a checked, proven config push'
            cand --yes 'With --fix: do not ask (CI)'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;incident;disk-full'= {
            cand --timeout 'How long the kill switch may take to confirm'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --fix 'Free space: old releases, ploy''s logs, the journal, the SQLite WAL (never the database, the current or previous release, or the config)'
            cand --yes 'With --fix: do not ask (CI)'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;incident;help'= {
            cand stuck-orders 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
            cand rate-limit 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
            cand disk-full 'The disk filling: free space and what uses it; --fix frees space in a safe order'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;incident;help;stuck-orders'= {
        }
        &'ployctl;incident;help;rate-limit'= {
        }
        &'ployctl;incident;help;disk-full'= {
        }
        &'ployctl;incident;help;help'= {
        }
        &'ployctl;host'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand bootstrap 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;host;bootstrap'= {
            cand --service 'The service manager [default: the host''s `service` in the inventory]'
            cand --login 'Log in as this user (root, or one with passwordless sudo) instead of the host''s deploy user'
            cand --authorized-key 'A public key to add to the deploy user''s authorized_keys (e.g. ~/.ssh/id_ed25519.pub)'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --dry-run 'Show what would change on each host and change nothing'
            cand --litestream 'Also install Litestream''s replication of the SQLite database to the inventory''s [backup] destination (systemd hosts; litestream must be installed)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;host;help'= {
            cand bootstrap 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;host;help;bootstrap'= {
        }
        &'ployctl;host;help;help'= {
        }
        &'ployctl;backup'= {
            cand --label 'A label for the backup''s name and manifest'
            cand --to 'Copy it (and any earlier one not copied yet) to s3://bucket/prefix/<host> [default: the inventory''s [backup] destination]'
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --verify 'Run the restore drill on the new backup right away'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'Each host''s backups: size, age, label and whether a restore drill proved it'
            cand verify 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;backup;list'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --remote 'The copies in object storage (the inventory''s [backup] destination) instead of the host''s folder'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;backup;verify'= {
            cand --timeout 'Give up on a host after this long'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;backup;help'= {
            cand list 'Each host''s backups: size, age, label and whether a restore drill proved it'
            cand verify 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;backup;help;list'= {
        }
        &'ployctl;backup;help;verify'= {
        }
        &'ployctl;backup;help;help'= {
        }
        &'ployctl;restore'= {
            cand --from 'The backup (as `backup list` shows it); with --to-new-host, default: the newest copy in object storage'
            cand --from-host 'With --to-new-host: whose copies to restore [default: the host''s own name]'
            cand --timeout 'How long the kill switch may take to confirm'
            cand --health-timeout 'Time a release has to become healthy [default: inventory, else 60s]'
            cand --stability-window 'Time it must then stay healthy [default: inventory, else 10s]'
            cand --lock-wait 'Wait this long for another deploy''s lock instead of failing at once'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --yes 'Do not ask; needed when there is no terminal (CI)'
            cand --to-new-host 'A fresh host (after `host bootstrap` and a deploy on its paper config): the backup comes from object storage and trading stays halted until `ployctl trading resume`'
            cand --force-unlock 'Break a held lock (after making sure no deploy is running)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;self-update'= {
            cand --version 'Install this release (e.g. 0.2.0 or v0.2.0), even an older one'
            cand --api-url 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)'
            cand --repo 'The repository whose releases to use'
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --check 'Only say whether a newer release exists (exit 0 either way)'
            cand -y 'Do not ask at a terminal (elsewhere it never asks)'
            cand --yes 'Do not ask at a terminal (elsewhere it never asks)'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;completions'= {
            cand -H 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --host 'Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)'
            cand --inventory 'Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]'
            cand --color 'Colours'
            cand --ssh-backend 'SSH implementation'
            cand --json 'Print one machine-readable JSON report on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Print every step as it starts'
            cand --verbose 'Print every step as it starts'
            cand --accept-new-host-key 'Trust a host key not yet in known_hosts and record it (never accepts a changed key)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ployctl;help'= {
            cand deploy 'Put a new ploy on hosts, prove it healthy, roll back by itself if it is not'
            cand rollback 'Switch hosts back to the newest good (or a named) release and prove it healthy'
            cand health 'Show each host''s /health'
            cand releases 'List the releases on each host: standing (good, bad, unproven), current, running'
            cand validate-config 'Check each host''s config, secrets, database and exchange with its current release'
            cand daily-check 'The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L'
            cand status 'One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L'
            cand logs 'Each host''s service log, readable (JSON lines rendered); -f follows'
            cand config 'The config file on hosts: push (checked, proven, put back when unhealthy), diff, history'
            cand trading 'The kill switch: halt, reduce or resume trading (recorded with who and why), or its status'
            cand audit 'Each host''s audit log: deploys, rollbacks, config pushes, kill-switch changes'
            cand maintenance 'Maintenance windows: halt, reduce or run on paper until the window ends'
            cand incident 'Incident runbooks: diagnose, and with --fix apply the remedy'
            cand host 'Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently'
            cand backup 'Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it'
            cand restore 'Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume'
            cand self-update 'Replace this ployctl with a signed release''s (the newest, or --version V)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ployctl;help;deploy'= {
        }
        &'ployctl;help;rollback'= {
        }
        &'ployctl;help;health'= {
        }
        &'ployctl;help;releases'= {
        }
        &'ployctl;help;validate-config'= {
        }
        &'ployctl;help;daily-check'= {
        }
        &'ployctl;help;status'= {
        }
        &'ployctl;help;logs'= {
        }
        &'ployctl;help;config'= {
            cand push 'Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not'
            cand diff 'Show what `config push --file` would change on each host'
            cand history 'List the configs each host keeps and the pushes in its audit log'
            cand rollback 'Push a kept config back (the newest by default), checked and proven like a push'
        }
        &'ployctl;help;config;push'= {
        }
        &'ployctl;help;config;diff'= {
        }
        &'ployctl;help;config;history'= {
        }
        &'ployctl;help;config;rollback'= {
        }
        &'ployctl;help;trading'= {
            cand halt 'Cancel every resting order and place none; done once nothing rests'
            cand reduce 'Only orders that shrink positions; the others are cancelled'
            cand resume 'Trade normally again (refused while the host''s config keeps it stricter)'
            cand status 'Each host''s kill switch: state, since when, by whom, why, orders resting'
        }
        &'ployctl;help;trading;halt'= {
        }
        &'ployctl;help;trading;reduce'= {
        }
        &'ployctl;help;trading;resume'= {
        }
        &'ployctl;help;trading;status'= {
        }
        &'ployctl;help;audit'= {
        }
        &'ployctl;help;maintenance'= {
            cand start 'Open a window (saved on the host: restarts and deploys keep it)'
            cand end 'Close it: the mode and kill switch from before, proven healthy'
        }
        &'ployctl;help;maintenance;start'= {
        }
        &'ployctl;help;maintenance;end'= {
        }
        &'ployctl;help;incident'= {
            cand stuck-orders 'Orders stuck pending or open: looked up on the exchange; --fix settles them'
            cand rate-limit 'The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it'
            cand disk-full 'The disk filling: free space and what uses it; --fix frees space in a safe order'
        }
        &'ployctl;help;incident;stuck-orders'= {
        }
        &'ployctl;help;incident;rate-limit'= {
        }
        &'ployctl;help;incident;disk-full'= {
        }
        &'ployctl;help;host'= {
            cand bootstrap 'Prepare a host from templates/: the ploy user, the root''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task'
        }
        &'ployctl;help;host;bootstrap'= {
        }
        &'ployctl;help;backup'= {
            cand list 'Each host''s backups: size, age, label and whether a restore drill proved it'
            cand verify 'The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it'
        }
        &'ployctl;help;backup;list'= {
        }
        &'ployctl;help;backup;verify'= {
        }
        &'ployctl;help;restore'= {
        }
        &'ployctl;help;self-update'= {
        }
        &'ployctl;help;completions'= {
        }
        &'ployctl;help;help'= {
        }
    ]
    $completions[$command]
}
