#compdef ployctl

autoload -U is-at-least

_ployctl() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_ployctl_commands" \
"*::: :->ployctl" \
&& ret=0
    case $state in
    (ployctl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-command-$line[1]:"
        case $line[1] in
            (deploy)
_arguments "${_arguments_options[@]}" : \
'--binary=[The ploy binary to deploy]:PATH:_files' \
'--version=[Release name \[default\: the binary'\''s \`ploy version\` and the UTC time\]]:V:_default' \
'--batch-size=[Hosts per batch after the canary, a number or a percentage (25%) \[default\: the rest at once\]]:N|P%:_default' \
'--canary=[The first N hosts go first and must stay healthy for --canary-soak before the rest]:N:_default' \
'--canary-soak=[How long the canary must stay healthy, its kill switch active, its failed-order and API-error rates under the host'\''s \[checks\] gates (1s to 1h)]:DURATION:_default' \
'--max-fail=[Failed hosts (unreachable ones count) tolerated, checked after every batch; past it no new batch starts \[default\: 0\]]:N|P%:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--dry-run[Print the plan for each host and change nothing]' \
'--force[Deploy even a release the host'\''s ledger marks bad, or one that already runs]' \
'--rollback-all-on-fail[When --max-fail is exceeded (or the canary fails), put the hosts this run deployed back to their previous release]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
'--to=[The release to go back to (name or unique prefix) \[default\: the newest good release other than the running one\]]:VERSION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--dry-run[Print the plan for each host and change nothing]' \
'--force[Go back even to a release the host'\''s ledger marks bad]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(health)
_arguments "${_arguments_options[@]}" : \
'--timeout=[How long --wait waits]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--wait[Poll until every host is healthy or the timeout passes]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(releases)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(validate-config)
_arguments "${_arguments_options[@]}" : \
'--file=[Validate this candidate file instead of the host'\''s config (nothing is installed)]:PATH:_files' \
'--binary=[The ploy binary that validates with --local]:PATH:_files' \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--local[Validate on this machine with --binary and --file, no hosts (pre-commit, CI)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(daily-check)
_arguments "${_arguments_options[@]}" : \
'--since=[The window looked at (errors, restarts, orders, fills, P&L)]:DURATION:_default' \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'(--json)--markdown[Print a Markdown report (under GitHub Actions it also goes to the job summary)]' \
'--strict[Exit 1 on a warning too]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(logs)
_arguments "${_arguments_options[@]}" : \
'--since=[How far back to start]:DURATION:_default' \
'--level=[Only lines of this level and more severe]:LEVEL:((error\:"ERROR"
warn\:"WARN and above"
info\:"INFO and above"
debug\:"DEBUG and above"
trace\:"Everything"))' \
'--grep=[Only lines containing this text]:TEXT:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'-f[Keep following until Ctrl-C]' \
'--follow[Keep following until Ctrl-C]' \
'--raw[Print lines as the engine wrote them (JSON stays JSON)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-config-command-$line[1]:"
        case $line[1] in
            (push)
_arguments "${_arguments_options[@]}" : \
'--file=[The new config file]:PATH:_files' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
'--file=[The config file to compare with each host'\''s]:PATH:_files' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(history)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
'--to=[A kept config'\''s name from \`config history\` (or a unique part of it) \[default\: the newest\]]:NAME:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-config-help-command-$line[1]:"
        case $line[1] in
            (push)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(history)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(trading)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__trading_commands" \
"*::: :->trading" \
&& ret=0

    case $state in
    (trading)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-trading-command-$line[1]:"
        case $line[1] in
            (halt)
_arguments "${_arguments_options[@]}" : \
'--reason=[Why (recorded in the engine'\''s saved state and the host'\''s audit log)]:TEXT:_default' \
'--timeout=[How long to wait for the engine to confirm (and, halting, for nothing to rest)]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(reduce)
_arguments "${_arguments_options[@]}" : \
'--reason=[Why (recorded in the engine'\''s saved state and the host'\''s audit log)]:TEXT:_default' \
'--timeout=[How long to wait for the engine to confirm (and, halting, for nothing to rest)]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(resume)
_arguments "${_arguments_options[@]}" : \
'--reason=[Why (recorded in the engine'\''s saved state and the host'\''s audit log)]:TEXT:_default' \
'--timeout=[How long to wait for the engine to confirm (and, halting, for nothing to rest)]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__trading__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-trading-help-command-$line[1]:"
        case $line[1] in
            (halt)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reduce)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(resume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(audit)
_arguments "${_arguments_options[@]}" : \
'--since=[How far back]:DURATION:_default' \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(maintenance)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__maintenance_commands" \
"*::: :->maintenance" \
&& ret=0

    case $state in
    (maintenance)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-maintenance-command-$line[1]:"
        case $line[1] in
            (start)
_arguments "${_arguments_options[@]}" : \
'--reason=[Why (recorded on the host and in its audit log)]:TEXT:_default' \
'--mode=[What the window does]:MODE:((halted\:"Halt\: cancel every resting order and place none"
reducing\:"Reduce\: positions may close, nothing grows"
paper\:"Paper\: restart the engine in paper mode (same market data, simulated fills, no keys used)"))' \
'--timeout=[How long the kill switch may take to confirm]:DURATION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(end)
_arguments "${_arguments_options[@]}" : \
'--timeout=[How long the kill switch may take to confirm]:DURATION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__maintenance__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-maintenance-help-command-$line[1]:"
        case $line[1] in
            (start)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(end)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(incident)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__incident_commands" \
"*::: :->incident" \
&& ret=0

    case $state in
    (incident)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-incident-command-$line[1]:"
        case $line[1] in
            (stuck-orders)
_arguments "${_arguments_options[@]}" : \
'--older-than=[Only orders stored this long ago or more]:DURATION:_default' \
'--timeout=[How long the kill switch may take to confirm]:DURATION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--fix[Apply the decisions\: halt, restart (reconciliation), check again, restore]' \
'--yes[With --fix\: do not ask (CI)]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(rate-limit)
_arguments "${_arguments_options[@]}" : \
'--window=[The window looked at in the log and the order history]:DURATION:_default' \
'--max-orders-per-minute=[With --fix\: the new limit]:N:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--fix[Lower risk.max_orders_per_minute through a checked, proven config push]' \
'--yes[With --fix\: do not ask (CI)]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(disk-full)
_arguments "${_arguments_options[@]}" : \
'--timeout=[How long the kill switch may take to confirm]:DURATION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--fix[Free space\: old releases, ploy'\''s logs, the journal, the SQLite WAL (never the database, the current or previous release, or the config)]' \
'--yes[With --fix\: do not ask (CI)]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__incident__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-incident-help-command-$line[1]:"
        case $line[1] in
            (stuck-orders)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rate-limit)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(disk-full)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(host)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__host_commands" \
"*::: :->host" \
&& ret=0

    case $state in
    (host)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-host-command-$line[1]:"
        case $line[1] in
            (bootstrap)
_arguments "${_arguments_options[@]}" : \
'--service=[The service manager \[default\: the host'\''s \`service\` in the inventory\]]:SERVICE:((systemd\:"The systemd unit (deployment/systemd/ploy.service), enabled, with its sudoers rule"
daemon\:"start-stop-daemon with run/ploy.pid and logs/ploy.log (containers, small VMs)"))' \
'--login=[Log in as this user (root, or one with passwordless sudo) instead of the host'\''s deploy user]:USER:_default' \
'--authorized-key=[A public key to add to the deploy user'\''s authorized_keys (e.g. ~/.ssh/id_ed25519.pub)]:PATH:_files' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--dry-run[Show what would change on each host and change nothing]' \
'--litestream[Also install Litestream'\''s replication of the SQLite database to the inventory'\''s \[backup\] destination (systemd hosts; litestream must be installed)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__host__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-host-help-command-$line[1]:"
        case $line[1] in
            (bootstrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(backup)
_arguments "${_arguments_options[@]}" : \
'--label=[A label for the backup'\''s name and manifest]:TEXT:_default' \
'--to=[Copy it (and any earlier one not copied yet) to s3\://bucket/prefix/<host> \[default\: the inventory'\''s \[backup\] destination\]]:S3_URL:_default' \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--verify[Run the restore drill on the new backup right away]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_ployctl__subcmd__backup_commands" \
"*::: :->backup" \
&& ret=0

    case $state in
    (backup)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-backup-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--remote[The copies in object storage (the inventory'\''s \[backup\] destination) instead of the host'\''s folder]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'--timeout=[Give up on a host after this long]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'::backup -- The backup'\''s name (as `backup list` shows it); default\: the newest:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__backup__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-backup-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(restore)
_arguments "${_arguments_options[@]}" : \
'--from=[The backup (as \`backup list\` shows it); with --to-new-host, default\: the newest copy in object storage]:BACKUP:_default' \
'--from-host=[With --to-new-host\: whose copies to restore \[default\: the host'\''s own name\]]:HOST:_default' \
'--timeout=[How long the kill switch may take to confirm]:DURATION:_default' \
'--health-timeout=[Time a release has to become healthy \[default\: inventory, else 60s\]]:DURATION:_default' \
'--stability-window=[Time it must then stay healthy \[default\: inventory, else 10s\]]:DURATION:_default' \
'--lock-wait=[Wait this long for another deploy'\''s lock instead of failing at once]:DURATION:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--yes[Do not ask; needed when there is no terminal (CI)]' \
'--to-new-host[A fresh host (after \`host bootstrap\` and a deploy on its paper config)\: the backup comes from object storage and trading stays halted until \`ployctl trading resume\`]' \
'--force-unlock[Break a held lock (after making sure no deploy is running)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(self-update)
_arguments "${_arguments_options[@]}" : \
'--version=[Install this release (e.g. 0.2.0 or v0.2.0), even an older one]:VERSION:_default' \
'--api-url=[GitHub API base URL (GitHub Enterprise\: https\://HOST/api/v3)]:URL:_default' \
'--repo=[The repository whose releases to use]:OWNER/NAME:_default' \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--check[Only say whether a newer release exists (exit 0 either way)]' \
'-y[Do not ask at a terminal (elsewhere it never asks)]' \
'--yes[Do not ask at a terminal (elsewhere it never asks)]' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'*-H+[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'*--host=[Host\: an inventory name, @tag, @all, user@host\:port, or \`local\` (repeatable)]:HOST:_default' \
'--inventory=[Inventory file \[default\: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml\]]:PATH:_files' \
'--color=[Colours]:COLOR:((auto\:"When the output is a terminal and NO_COLOR is unset"
always\:"Always"
never\:"Never"))' \
'--ssh-backend=[SSH implementation]:SSH_BACKEND:((openssh\:"The system \`ssh\` (honours ~/.ssh/config, ProxyJump, the agent)"
native\:"Built-in SSH (russh)\: no \`ssh\` binary needed; key from \`PLOYCTL_SSH_KEY\` or a file"))' \
'--json[Print one machine-readable JSON report on stdout]' \
'(-v --verbose)-q[Print only results and errors]' \
'(-v --verbose)--quiet[Print only results and errors]' \
'-v[Print every step as it starts]' \
'--verbose[Print every step as it starts]' \
'--accept-new-host-key[Trust a host key not yet in known_hosts and record it (never accepts a changed key)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':shell -- The shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-command-$line[1]:"
        case $line[1] in
            (deploy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(health)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(releases)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(validate-config)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(daily-check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(logs)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-config-command-$line[1]:"
        case $line[1] in
            (push)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(history)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(trading)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__trading_commands" \
"*::: :->trading" \
&& ret=0

    case $state in
    (trading)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-trading-command-$line[1]:"
        case $line[1] in
            (halt)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reduce)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(resume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(audit)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(maintenance)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__maintenance_commands" \
"*::: :->maintenance" \
&& ret=0

    case $state in
    (maintenance)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-maintenance-command-$line[1]:"
        case $line[1] in
            (start)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(end)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(incident)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__incident_commands" \
"*::: :->incident" \
&& ret=0

    case $state in
    (incident)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-incident-command-$line[1]:"
        case $line[1] in
            (stuck-orders)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rate-limit)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(disk-full)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(host)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__host_commands" \
"*::: :->host" \
&& ret=0

    case $state in
    (host)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-host-command-$line[1]:"
        case $line[1] in
            (bootstrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(backup)
_arguments "${_arguments_options[@]}" : \
":: :_ployctl__subcmd__help__subcmd__backup_commands" \
"*::: :->backup" \
&& ret=0

    case $state in
    (backup)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ployctl-help-backup-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(self-update)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_ployctl_commands] )) ||
_ployctl_commands() {
    local commands; commands=(
'deploy:Put a new ploy on hosts, prove it healthy, roll back by itself if it is not' \
'rollback:Switch hosts back to the newest good (or a named) release and prove it healthy' \
'health:Show each host'\''s /health' \
'releases:List the releases on each host\: standing (good, bad, unproven), current, running' \
'validate-config:Check each host'\''s config, secrets, database and exchange with its current release' \
'daily-check:The morning runbook\: service, errors, health, exchange, kill switch, disk, orders, P&L' \
'status:One line per host\: release, uptime, health, mode, kill switch, orders, positions, P&L' \
'logs:Each host'\''s service log, readable (JSON lines rendered); -f follows' \
'config:The config file on hosts\: push (checked, proven, put back when unhealthy), diff, history' \
'trading:The kill switch\: halt, reduce or resume trading (recorded with who and why), or its status' \
'audit:Each host'\''s audit log\: deploys, rollbacks, config pushes, kill-switch changes' \
'maintenance:Maintenance windows\: halt, reduce or run on paper until the window ends' \
'incident:Incident runbooks\: diagnose, and with --fix apply the remedy' \
'host:Prepare hosts\: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently' \
'backup:Database backups on the hosts\: take one (then copy it off the host and prune by \[backup\]), \`list\` them, \`verify\` one by restoring it' \
'restore:Restore a backup\: halt, stop, keep the current database, restore, start, prove healthy, resume' \
'self-update:Replace this ployctl with a signed release'\''s (the newest, or --version V)' \
'completions:Print a shell completion script' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__audit_commands] )) ||
_ployctl__subcmd__audit_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl audit commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup_commands] )) ||
_ployctl__subcmd__backup_commands() {
    local commands; commands=(
'list:Each host'\''s backups\: size, age, label and whether a restore drill proved it' \
'verify:The restore drill on the host\: restore a backup (default\: the newest) into a scratch copy and check it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl backup commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__help_commands] )) ||
_ployctl__subcmd__backup__subcmd__help_commands() {
    local commands; commands=(
'list:Each host'\''s backups\: size, age, label and whether a restore drill proved it' \
'verify:The restore drill on the host\: restore a backup (default\: the newest) into a scratch copy and check it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl backup help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__backup__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl backup help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__help__subcmd__list_commands] )) ||
_ployctl__subcmd__backup__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl backup help list commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__help__subcmd__verify_commands] )) ||
_ployctl__subcmd__backup__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl backup help verify commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__list_commands] )) ||
_ployctl__subcmd__backup__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl backup list commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__backup__subcmd__verify_commands] )) ||
_ployctl__subcmd__backup__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl backup verify commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__completions_commands] )) ||
_ployctl__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl completions commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config_commands] )) ||
_ployctl__subcmd__config_commands() {
    local commands; commands=(
'push:Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not' \
'diff:Show what \`config push --file\` would change on each host' \
'history:List the configs each host keeps and the pushes in its audit log' \
'rollback:Push a kept config back (the newest by default), checked and proven like a push' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl config commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__diff_commands] )) ||
_ployctl__subcmd__config__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config diff commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help_commands] )) ||
_ployctl__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'push:Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not' \
'diff:Show what \`config push --file\` would change on each host' \
'history:List the configs each host keeps and the pushes in its audit log' \
'rollback:Push a kept config back (the newest by default), checked and proven like a push' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl config help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help__subcmd__diff_commands] )) ||
_ployctl__subcmd__config__subcmd__help__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config help diff commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help__subcmd__history_commands] )) ||
_ployctl__subcmd__config__subcmd__help__subcmd__history_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config help history commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help__subcmd__push_commands] )) ||
_ployctl__subcmd__config__subcmd__help__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config help push commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__help__subcmd__rollback_commands] )) ||
_ployctl__subcmd__config__subcmd__help__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config help rollback commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__history_commands] )) ||
_ployctl__subcmd__config__subcmd__history_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config history commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__push_commands] )) ||
_ployctl__subcmd__config__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config push commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__config__subcmd__rollback_commands] )) ||
_ployctl__subcmd__config__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl config rollback commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__daily-check_commands] )) ||
_ployctl__subcmd__daily-check_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl daily-check commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__deploy_commands] )) ||
_ployctl__subcmd__deploy_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl deploy commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__health_commands] )) ||
_ployctl__subcmd__health_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl health commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help_commands] )) ||
_ployctl__subcmd__help_commands() {
    local commands; commands=(
'deploy:Put a new ploy on hosts, prove it healthy, roll back by itself if it is not' \
'rollback:Switch hosts back to the newest good (or a named) release and prove it healthy' \
'health:Show each host'\''s /health' \
'releases:List the releases on each host\: standing (good, bad, unproven), current, running' \
'validate-config:Check each host'\''s config, secrets, database and exchange with its current release' \
'daily-check:The morning runbook\: service, errors, health, exchange, kill switch, disk, orders, P&L' \
'status:One line per host\: release, uptime, health, mode, kill switch, orders, positions, P&L' \
'logs:Each host'\''s service log, readable (JSON lines rendered); -f follows' \
'config:The config file on hosts\: push (checked, proven, put back when unhealthy), diff, history' \
'trading:The kill switch\: halt, reduce or resume trading (recorded with who and why), or its status' \
'audit:Each host'\''s audit log\: deploys, rollbacks, config pushes, kill-switch changes' \
'maintenance:Maintenance windows\: halt, reduce or run on paper until the window ends' \
'incident:Incident runbooks\: diagnose, and with --fix apply the remedy' \
'host:Prepare hosts\: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently' \
'backup:Database backups on the hosts\: take one (then copy it off the host and prune by \[backup\]), \`list\` them, \`verify\` one by restoring it' \
'restore:Restore a backup\: halt, stop, keep the current database, restore, start, prove healthy, resume' \
'self-update:Replace this ployctl with a signed release'\''s (the newest, or --version V)' \
'completions:Print a shell completion script' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__audit_commands] )) ||
_ployctl__subcmd__help__subcmd__audit_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help audit commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__backup_commands] )) ||
_ployctl__subcmd__help__subcmd__backup_commands() {
    local commands; commands=(
'list:Each host'\''s backups\: size, age, label and whether a restore drill proved it' \
'verify:The restore drill on the host\: restore a backup (default\: the newest) into a scratch copy and check it' \
    )
    _describe -t commands 'ployctl help backup commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__backup__subcmd__list_commands] )) ||
_ployctl__subcmd__help__subcmd__backup__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help backup list commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__backup__subcmd__verify_commands] )) ||
_ployctl__subcmd__help__subcmd__backup__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help backup verify commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__completions_commands] )) ||
_ployctl__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help completions commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__config_commands] )) ||
_ployctl__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'push:Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not' \
'diff:Show what \`config push --file\` would change on each host' \
'history:List the configs each host keeps and the pushes in its audit log' \
'rollback:Push a kept config back (the newest by default), checked and proven like a push' \
    )
    _describe -t commands 'ployctl help config commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__config__subcmd__diff_commands] )) ||
_ployctl__subcmd__help__subcmd__config__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help config diff commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__config__subcmd__history_commands] )) ||
_ployctl__subcmd__help__subcmd__config__subcmd__history_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help config history commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__config__subcmd__push_commands] )) ||
_ployctl__subcmd__help__subcmd__config__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help config push commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__config__subcmd__rollback_commands] )) ||
_ployctl__subcmd__help__subcmd__config__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help config rollback commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__daily-check_commands] )) ||
_ployctl__subcmd__help__subcmd__daily-check_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help daily-check commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__deploy_commands] )) ||
_ployctl__subcmd__help__subcmd__deploy_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help deploy commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__health_commands] )) ||
_ployctl__subcmd__help__subcmd__health_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help health commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__host_commands] )) ||
_ployctl__subcmd__help__subcmd__host_commands() {
    local commands; commands=(
'bootstrap:Prepare a host from templates/\: the ploy user, the root'\''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task' \
    )
    _describe -t commands 'ployctl help host commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__host__subcmd__bootstrap_commands] )) ||
_ployctl__subcmd__help__subcmd__host__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help host bootstrap commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__incident_commands] )) ||
_ployctl__subcmd__help__subcmd__incident_commands() {
    local commands; commands=(
'stuck-orders:Orders stuck pending or open\: looked up on the exchange; --fix settles them' \
'rate-limit:The exchange rate-limiting the host\: 429/425/503s, the order rate; --fix lowers it' \
'disk-full:The disk filling\: free space and what uses it; --fix frees space in a safe order' \
    )
    _describe -t commands 'ployctl help incident commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__incident__subcmd__disk-full_commands] )) ||
_ployctl__subcmd__help__subcmd__incident__subcmd__disk-full_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help incident disk-full commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__incident__subcmd__rate-limit_commands] )) ||
_ployctl__subcmd__help__subcmd__incident__subcmd__rate-limit_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help incident rate-limit commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__incident__subcmd__stuck-orders_commands] )) ||
_ployctl__subcmd__help__subcmd__incident__subcmd__stuck-orders_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help incident stuck-orders commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__logs_commands] )) ||
_ployctl__subcmd__help__subcmd__logs_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help logs commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__maintenance_commands] )) ||
_ployctl__subcmd__help__subcmd__maintenance_commands() {
    local commands; commands=(
'start:Open a window (saved on the host\: restarts and deploys keep it)' \
'end:Close it\: the mode and kill switch from before, proven healthy' \
    )
    _describe -t commands 'ployctl help maintenance commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__maintenance__subcmd__end_commands] )) ||
_ployctl__subcmd__help__subcmd__maintenance__subcmd__end_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help maintenance end commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__maintenance__subcmd__start_commands] )) ||
_ployctl__subcmd__help__subcmd__maintenance__subcmd__start_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help maintenance start commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__releases_commands] )) ||
_ployctl__subcmd__help__subcmd__releases_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help releases commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__restore_commands] )) ||
_ployctl__subcmd__help__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help restore commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__rollback_commands] )) ||
_ployctl__subcmd__help__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help rollback commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__self-update_commands] )) ||
_ployctl__subcmd__help__subcmd__self-update_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help self-update commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__status_commands] )) ||
_ployctl__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help status commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__trading_commands] )) ||
_ployctl__subcmd__help__subcmd__trading_commands() {
    local commands; commands=(
'halt:Cancel every resting order and place none; done once nothing rests' \
'reduce:Only orders that shrink positions; the others are cancelled' \
'resume:Trade normally again (refused while the host'\''s config keeps it stricter)' \
'status:Each host'\''s kill switch\: state, since when, by whom, why, orders resting' \
    )
    _describe -t commands 'ployctl help trading commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__trading__subcmd__halt_commands] )) ||
_ployctl__subcmd__help__subcmd__trading__subcmd__halt_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help trading halt commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__trading__subcmd__reduce_commands] )) ||
_ployctl__subcmd__help__subcmd__trading__subcmd__reduce_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help trading reduce commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__trading__subcmd__resume_commands] )) ||
_ployctl__subcmd__help__subcmd__trading__subcmd__resume_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help trading resume commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__trading__subcmd__status_commands] )) ||
_ployctl__subcmd__help__subcmd__trading__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help trading status commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__help__subcmd__validate-config_commands] )) ||
_ployctl__subcmd__help__subcmd__validate-config_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl help validate-config commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__host_commands] )) ||
_ployctl__subcmd__host_commands() {
    local commands; commands=(
'bootstrap:Prepare a host from templates/\: the ploy user, the root'\''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl host commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__host__subcmd__bootstrap_commands] )) ||
_ployctl__subcmd__host__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl host bootstrap commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__host__subcmd__help_commands] )) ||
_ployctl__subcmd__host__subcmd__help_commands() {
    local commands; commands=(
'bootstrap:Prepare a host from templates/\: the ploy user, the root'\''s folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl host help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__host__subcmd__help__subcmd__bootstrap_commands] )) ||
_ployctl__subcmd__host__subcmd__help__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl host help bootstrap commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__host__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__host__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl host help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident_commands] )) ||
_ployctl__subcmd__incident_commands() {
    local commands; commands=(
'stuck-orders:Orders stuck pending or open\: looked up on the exchange; --fix settles them' \
'rate-limit:The exchange rate-limiting the host\: 429/425/503s, the order rate; --fix lowers it' \
'disk-full:The disk filling\: free space and what uses it; --fix frees space in a safe order' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl incident commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__disk-full_commands] )) ||
_ployctl__subcmd__incident__subcmd__disk-full_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident disk-full commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__help_commands] )) ||
_ployctl__subcmd__incident__subcmd__help_commands() {
    local commands; commands=(
'stuck-orders:Orders stuck pending or open\: looked up on the exchange; --fix settles them' \
'rate-limit:The exchange rate-limiting the host\: 429/425/503s, the order rate; --fix lowers it' \
'disk-full:The disk filling\: free space and what uses it; --fix frees space in a safe order' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl incident help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__help__subcmd__disk-full_commands] )) ||
_ployctl__subcmd__incident__subcmd__help__subcmd__disk-full_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident help disk-full commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__incident__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__help__subcmd__rate-limit_commands] )) ||
_ployctl__subcmd__incident__subcmd__help__subcmd__rate-limit_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident help rate-limit commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__help__subcmd__stuck-orders_commands] )) ||
_ployctl__subcmd__incident__subcmd__help__subcmd__stuck-orders_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident help stuck-orders commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__rate-limit_commands] )) ||
_ployctl__subcmd__incident__subcmd__rate-limit_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident rate-limit commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__incident__subcmd__stuck-orders_commands] )) ||
_ployctl__subcmd__incident__subcmd__stuck-orders_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl incident stuck-orders commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__logs_commands] )) ||
_ployctl__subcmd__logs_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl logs commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance_commands] )) ||
_ployctl__subcmd__maintenance_commands() {
    local commands; commands=(
'start:Open a window (saved on the host\: restarts and deploys keep it)' \
'end:Close it\: the mode and kill switch from before, proven healthy' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl maintenance commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__end_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__end_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl maintenance end commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__help_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__help_commands() {
    local commands; commands=(
'start:Open a window (saved on the host\: restarts and deploys keep it)' \
'end:Close it\: the mode and kill switch from before, proven healthy' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl maintenance help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__help__subcmd__end_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__help__subcmd__end_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl maintenance help end commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl maintenance help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__help__subcmd__start_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__help__subcmd__start_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl maintenance help start commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__maintenance__subcmd__start_commands] )) ||
_ployctl__subcmd__maintenance__subcmd__start_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl maintenance start commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__releases_commands] )) ||
_ployctl__subcmd__releases_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl releases commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__restore_commands] )) ||
_ployctl__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl restore commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__rollback_commands] )) ||
_ployctl__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl rollback commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__self-update_commands] )) ||
_ployctl__subcmd__self-update_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl self-update commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__status_commands] )) ||
_ployctl__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl status commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading_commands] )) ||
_ployctl__subcmd__trading_commands() {
    local commands; commands=(
'halt:Cancel every resting order and place none; done once nothing rests' \
'reduce:Only orders that shrink positions; the others are cancelled' \
'resume:Trade normally again (refused while the host'\''s config keeps it stricter)' \
'status:Each host'\''s kill switch\: state, since when, by whom, why, orders resting' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl trading commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__halt_commands] )) ||
_ployctl__subcmd__trading__subcmd__halt_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading halt commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help_commands] )) ||
_ployctl__subcmd__trading__subcmd__help_commands() {
    local commands; commands=(
'halt:Cancel every resting order and place none; done once nothing rests' \
'reduce:Only orders that shrink positions; the others are cancelled' \
'resume:Trade normally again (refused while the host'\''s config keeps it stricter)' \
'status:Each host'\''s kill switch\: state, since when, by whom, why, orders resting' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ployctl trading help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help__subcmd__halt_commands] )) ||
_ployctl__subcmd__trading__subcmd__help__subcmd__halt_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading help halt commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help__subcmd__help_commands] )) ||
_ployctl__subcmd__trading__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading help help commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help__subcmd__reduce_commands] )) ||
_ployctl__subcmd__trading__subcmd__help__subcmd__reduce_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading help reduce commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help__subcmd__resume_commands] )) ||
_ployctl__subcmd__trading__subcmd__help__subcmd__resume_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading help resume commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__help__subcmd__status_commands] )) ||
_ployctl__subcmd__trading__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading help status commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__reduce_commands] )) ||
_ployctl__subcmd__trading__subcmd__reduce_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading reduce commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__resume_commands] )) ||
_ployctl__subcmd__trading__subcmd__resume_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading resume commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__trading__subcmd__status_commands] )) ||
_ployctl__subcmd__trading__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl trading status commands' commands "$@"
}
(( $+functions[_ployctl__subcmd__validate-config_commands] )) ||
_ployctl__subcmd__validate-config_commands() {
    local commands; commands=()
    _describe -t commands 'ployctl validate-config commands' commands "$@"
}

if [ "$funcstack[1]" = "_ployctl" ]; then
    _ployctl "$@"
else
    compdef _ployctl ployctl
fi
