#compdef ploy

autoload -U is-at-least

_ploy() {
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
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_ploy_commands" \
"*::: :->ploy" \
&& ret=0
    case $state in
    (ploy)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
'--standby-bind=[Start as a standby beside the trading instance\: serve /health on ADDR, prepare (markets, fees, credentials), report ready, and trade only after SIGUSR1 once the trading lease is free; then serve on server.bind]:ADDR:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(check-config)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--connect[Also connect to the database and the market-data source]' \
'--json[Print a JSON report on stdout]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(health-check)
_arguments "${_arguments_options[@]}" : \
'--url=[The /health URL \[default\: from server.bind in the config, else http\://127.0.0.1\:8080/health\]]:URL:_default' \
'--timeout=[Give up after this long]:TIMEOUT:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the /health JSON on stdout]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(version)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(replay)
_arguments "${_arguments_options[@]}" : \
'--show-fills=[How many fills to list]:SHOW_FILLS:_default' \
'--policy=[Quote with this trained model'\''s half-spreads (\`ploy rl train\`; needs the \`rl\` feature)]:MODEL:_files' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the whole report as JSON]' \
'--strict[Fail on the first bad line instead of skipping it (as \`market_data.recording_strict = true\` does)]' \
'-h[Print help]' \
'--help[Print help]' \
':file -- The recording (`ploy record` output, JSONL):_files' \
&& ret=0
;;
(order)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
":: :_ploy__subcmd__order_commands" \
"*::: :->order" \
&& ret=0

    case $state in
    (order)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-order-command-$line[1]:"
        case $line[1] in
            (preview)
_arguments "${_arguments_options[@]}" : \
'--token-id=[Outcome token ID (decimal)]:TOKEN_ID:_default' \
'--side=[BUY or SELL]:SIDE:_default' \
'--price=[Limit price]:PRICE:_default' \
'--size=[Size in shares (at most 2 decimals)]:SIZE:_default' \
'--tick-size=[The market'\''s tick size]:TICK_SIZE:_default' \
'--order-type=[Order type]:ORDER_TYPE:_default' \
'--expiration=[GTD only\: when it expires, Unix seconds or a duration after now (10m)]:WHEN:_default' \
'--salt=[Salt (default\: random, ≤ 2^53 − 1)]:SALT:_default' \
'--timestamp=[Timestamp in ms (default\: now)]:TIMESTAMP:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--neg-risk[A neg-risk market (signed for the neg-risk exchange)]' \
'--v3[Sign for the V3 exchange]' \
'--post-only[Post-only (rest, never take); only with GTC or GTD]' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__order__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-order-help-command-$line[1]:"
        case $line[1] in
            (preview)
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
(record)
_arguments "${_arguments_options[@]}" : \
'-o+[The recording to write (JSONL)]:OUT:_files' \
'--out=[The recording to write (JSONL)]:OUT:_files' \
'--duration=[Stop after this long]:DURATION:_default' \
'*--markets=[Token IDs to record \[default\: strategy.markets\]]:MARKETS:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(orders)
_arguments "${_arguments_options[@]}" : \
'--status=[Only orders with this status\: pending, open, filled, cancelled, failed]:STATUS:_default' \
'--older-than=[Only orders created at least this long ago (e.g. 5m)]:DURATION:_default' \
'--market=[Only orders of this token ID]:TOKEN_ID:_default' \
'--limit=[At most this many, newest first]:LIMIT:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(check-orders)
_arguments "${_arguments_options[@]}" : \
'--older-than=[Only orders stored this long ago or more (younger ones may be in flight)]:DURATION:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(db)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
":: :_ploy__subcmd__db_commands" \
"*::: :->db" \
&& ret=0

    case $state in
    (db)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-db-command-$line[1]:"
        case $line[1] in
            (checkpoint)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
'--out=[The folder to write \`<name>.db.gz\` and \`<name>.json\` into]:DIR:_files' \
'--label=[A label to put in the backup'\''s name and manifest]:TEXT:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the manifest as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the manifest with its verification as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
':manifest -- The backup'\''s manifest (`<name>.json`):_files' \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
'--halt-reason=[Save the kill switch as halted in the restored database, with this reason]:TEXT:_default' \
'--keep-dir=[Where the backup of the database being replaced goes (default\: the manifest'\''s folder)]:DIR:_files' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--dry-run[Only say what would be replaced by what; change nothing]' \
'--json[Print the report as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
':manifest -- The backup'\''s manifest (`<name>.json`):_files' \
&& ret=0
;;
(upload)
_arguments "${_arguments_options[@]}" : \
'--to=[Where\: \`s3\://bucket/prefix\` (credentials from the environment or .env, or the instance role)]:S3_URL:_default' \
'--dir=[The folder holding the backups]:DIR:_files' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the result as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
'*::names -- Backups to upload (default\: every one whose manifest does not say it was uploaded there):_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'(--from)--dir=[The folder holding the backups]:DIR:_files' \
'--from=[List the whole backups in object storage instead\: \`s3\://bucket/prefix\`]:S3_URL:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the manifests as JSON, one per line]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(download)
_arguments "${_arguments_options[@]}" : \
'--from=[Where from\: \`s3\://bucket/prefix\`]:S3_URL:_default' \
'--out=[The folder to put it in]:DIR:_files' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the manifest as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
'::name -- The backup (default\: the newest whole one):_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__db__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-db-help-command-$line[1]:"
        case $line[1] in
            (checkpoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(upload)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(download)
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
(rl)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'-h[Print help]' \
'--help[Print help]' \
":: :_ploy__subcmd__rl_commands" \
"*::: :->rl" \
&& ret=0

    case $state in
    (rl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-rl-command-$line[1]:"
        case $line[1] in
            (train)
_arguments "${_arguments_options[@]}" : \
'--recordings=[A folder of recordings (\`*.jsonl\`), all used]:DIR:_files' \
'--seed=[The seed (file order, exploration)\: the same seed and files give the same model]:SEED:_default' \
'--out=[Where to write the model]:FILE:_files' \
'*--arms=[The arms\: half-spreads in ticks]:ARMS:_default' \
'--window=[The decision window (event time)]:DURATION:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the model'\''s summary as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(eval)
_arguments "${_arguments_options[@]}" : \
'--model=[The model (\`ploy rl train --out\`)]:FILE:_files' \
'--recordings=[A folder of recordings (\`*.jsonl\`) to evaluate on]:DIR:_files' \
'--seed=[The bootstrap'\''s seed]:SEED:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print the whole report as JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(generate)
_arguments "${_arguments_options[@]}" : \
'--out=[The folder to write \`synthetic-<seed>.jsonl\` into]:DIR:_files' \
'--seeds=[The seeds, e.g. \`1-20\` or \`3,7\`]:SEEDS:_default' \
'--minutes=[Minutes of market time per session]:MINUTES:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--control[Calm only (the single-regime control) instead of calm and toxic stretches]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__rl__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-rl-help-command-$line[1]:"
        case $line[1] in
            (train)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(eval)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(generate)
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
(positions)
_arguments "${_arguments_options[@]}" : \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(report)
_arguments "${_arguments_options[@]}" : \
'--since=[The window, ending now (e.g. 24h, 7d)]:DURATION:_default' \
'-c+[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--config=[Config file \[default\: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults\]]:PATH:_files' \
'--json[Print JSON]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-help-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check-config)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(health-check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(version)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(replay)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(order)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__help__subcmd__order_commands" \
"*::: :->order" \
&& ret=0

    case $state in
    (order)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-help-order-command-$line[1]:"
        case $line[1] in
            (preview)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(record)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(orders)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check-orders)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(db)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__help__subcmd__db_commands" \
"*::: :->db" \
&& ret=0

    case $state in
    (db)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-help-db-command-$line[1]:"
        case $line[1] in
            (checkpoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(upload)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(download)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(rl)
_arguments "${_arguments_options[@]}" : \
":: :_ploy__subcmd__help__subcmd__rl_commands" \
"*::: :->rl" \
&& ret=0

    case $state in
    (rl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:ploy-help-rl-command-$line[1]:"
        case $line[1] in
            (train)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(eval)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(generate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(positions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(report)
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

(( $+functions[_ploy_commands] )) ||
_ploy_commands() {
    local commands; commands=(
'run:Run the engine\: trading pipeline, /health and /metrics, until SIGTERM or SIGINT' \
'check-config:Validate the config file and environment without starting anything' \
'health-check:Probe a running instance'\''s /health; exit 0 only when healthy' \
'migrate:Apply pending database migrations and exit' \
'version:Print version, git revision and build profile' \
'replay:Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L' \
'order:Orders\: preview a signed order without sending it' \
'record:Write the live market feed to a recording for \`ploy replay\`' \
'orders:List stored orders (read from the database; works while the service is stopped)' \
'check-orders:Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)' \
'db:Database upkeep' \
'rl:The learning quoting policy (builds with the \`rl\` feature)\: train, evaluate, generate recordings' \
'positions:Show positions with their last mark and P&L (read from the database)' \
'report:Summarize a window\: orders, fills, volume, fees, P&L, inventory, kill switch, deployments' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy commands' commands "$@"
}
(( $+functions[_ploy__subcmd__check-config_commands] )) ||
_ploy__subcmd__check-config_commands() {
    local commands; commands=()
    _describe -t commands 'ploy check-config commands' commands "$@"
}
(( $+functions[_ploy__subcmd__check-orders_commands] )) ||
_ploy__subcmd__check-orders_commands() {
    local commands; commands=()
    _describe -t commands 'ploy check-orders commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db_commands] )) ||
_ploy__subcmd__db_commands() {
    local commands; commands=(
'checkpoint:SQLite\: move the write-ahead log into the database file and truncate it (safe while ploy runs)' \
'backup:Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)' \
'verify:Restore drill\: check a backup'\''s sha256 and schema, restore it into a scratch copy, migrate and check it' \
'restore:Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)' \
'upload:Copy backups to S3-compatible object storage (by default every one not copied there yet)' \
'list:List the backups in a folder, or in object storage with --from' \
'download:Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy db commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__backup_commands] )) ||
_ploy__subcmd__db__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db backup commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__checkpoint_commands] )) ||
_ploy__subcmd__db__subcmd__checkpoint_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db checkpoint commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__download_commands] )) ||
_ploy__subcmd__db__subcmd__download_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db download commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help_commands] )) ||
_ploy__subcmd__db__subcmd__help_commands() {
    local commands; commands=(
'checkpoint:SQLite\: move the write-ahead log into the database file and truncate it (safe while ploy runs)' \
'backup:Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)' \
'verify:Restore drill\: check a backup'\''s sha256 and schema, restore it into a scratch copy, migrate and check it' \
'restore:Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)' \
'upload:Copy backups to S3-compatible object storage (by default every one not copied there yet)' \
'list:List the backups in a folder, or in object storage with --from' \
'download:Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy db help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__backup_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help backup commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__checkpoint_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__checkpoint_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help checkpoint commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__download_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__download_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help download commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__help_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__list_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help list commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__restore_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help restore commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__upload_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__upload_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help upload commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__help__subcmd__verify_commands] )) ||
_ploy__subcmd__db__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db help verify commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__list_commands] )) ||
_ploy__subcmd__db__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db list commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__restore_commands] )) ||
_ploy__subcmd__db__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db restore commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__upload_commands] )) ||
_ploy__subcmd__db__subcmd__upload_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db upload commands' commands "$@"
}
(( $+functions[_ploy__subcmd__db__subcmd__verify_commands] )) ||
_ploy__subcmd__db__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ploy db verify commands' commands "$@"
}
(( $+functions[_ploy__subcmd__health-check_commands] )) ||
_ploy__subcmd__health-check_commands() {
    local commands; commands=()
    _describe -t commands 'ploy health-check commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help_commands] )) ||
_ploy__subcmd__help_commands() {
    local commands; commands=(
'run:Run the engine\: trading pipeline, /health and /metrics, until SIGTERM or SIGINT' \
'check-config:Validate the config file and environment without starting anything' \
'health-check:Probe a running instance'\''s /health; exit 0 only when healthy' \
'migrate:Apply pending database migrations and exit' \
'version:Print version, git revision and build profile' \
'replay:Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L' \
'order:Orders\: preview a signed order without sending it' \
'record:Write the live market feed to a recording for \`ploy replay\`' \
'orders:List stored orders (read from the database; works while the service is stopped)' \
'check-orders:Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)' \
'db:Database upkeep' \
'rl:The learning quoting policy (builds with the \`rl\` feature)\: train, evaluate, generate recordings' \
'positions:Show positions with their last mark and P&L (read from the database)' \
'report:Summarize a window\: orders, fills, volume, fees, P&L, inventory, kill switch, deployments' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__check-config_commands] )) ||
_ploy__subcmd__help__subcmd__check-config_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help check-config commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__check-orders_commands] )) ||
_ploy__subcmd__help__subcmd__check-orders_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help check-orders commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db_commands] )) ||
_ploy__subcmd__help__subcmd__db_commands() {
    local commands; commands=(
'checkpoint:SQLite\: move the write-ahead log into the database file and truncate it (safe while ploy runs)' \
'backup:Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)' \
'verify:Restore drill\: check a backup'\''s sha256 and schema, restore it into a scratch copy, migrate and check it' \
'restore:Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)' \
'upload:Copy backups to S3-compatible object storage (by default every one not copied there yet)' \
'list:List the backups in a folder, or in object storage with --from' \
'download:Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256' \
    )
    _describe -t commands 'ploy help db commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__backup_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db backup commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__checkpoint_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__checkpoint_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db checkpoint commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__download_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__download_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db download commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__list_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db list commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__restore_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db restore commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__upload_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__upload_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db upload commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__db__subcmd__verify_commands] )) ||
_ploy__subcmd__help__subcmd__db__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help db verify commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__health-check_commands] )) ||
_ploy__subcmd__help__subcmd__health-check_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help health-check commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__help_commands] )) ||
_ploy__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__migrate_commands] )) ||
_ploy__subcmd__help__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help migrate commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__order_commands] )) ||
_ploy__subcmd__help__subcmd__order_commands() {
    local commands; commands=(
'preview:Print the exact signed body that would be posted; post nothing' \
    )
    _describe -t commands 'ploy help order commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__order__subcmd__preview_commands] )) ||
_ploy__subcmd__help__subcmd__order__subcmd__preview_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help order preview commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__orders_commands] )) ||
_ploy__subcmd__help__subcmd__orders_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help orders commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__positions_commands] )) ||
_ploy__subcmd__help__subcmd__positions_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help positions commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__record_commands] )) ||
_ploy__subcmd__help__subcmd__record_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help record commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__replay_commands] )) ||
_ploy__subcmd__help__subcmd__replay_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help replay commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__report_commands] )) ||
_ploy__subcmd__help__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help report commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__rl_commands] )) ||
_ploy__subcmd__help__subcmd__rl_commands() {
    local commands; commands=(
'train:Learn a half-spread policy from recordings by counterfactual replay; write the model' \
'eval:Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)' \
'generate:Write synthetic recordings (calm and toxic regimes) for training and tests' \
    )
    _describe -t commands 'ploy help rl commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__rl__subcmd__eval_commands] )) ||
_ploy__subcmd__help__subcmd__rl__subcmd__eval_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help rl eval commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__rl__subcmd__generate_commands] )) ||
_ploy__subcmd__help__subcmd__rl__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help rl generate commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__rl__subcmd__train_commands] )) ||
_ploy__subcmd__help__subcmd__rl__subcmd__train_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help rl train commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__run_commands] )) ||
_ploy__subcmd__help__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help run commands' commands "$@"
}
(( $+functions[_ploy__subcmd__help__subcmd__version_commands] )) ||
_ploy__subcmd__help__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'ploy help version commands' commands "$@"
}
(( $+functions[_ploy__subcmd__migrate_commands] )) ||
_ploy__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'ploy migrate commands' commands "$@"
}
(( $+functions[_ploy__subcmd__order_commands] )) ||
_ploy__subcmd__order_commands() {
    local commands; commands=(
'preview:Print the exact signed body that would be posted; post nothing' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy order commands' commands "$@"
}
(( $+functions[_ploy__subcmd__order__subcmd__help_commands] )) ||
_ploy__subcmd__order__subcmd__help_commands() {
    local commands; commands=(
'preview:Print the exact signed body that would be posted; post nothing' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy order help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__order__subcmd__help__subcmd__help_commands] )) ||
_ploy__subcmd__order__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ploy order help help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__order__subcmd__help__subcmd__preview_commands] )) ||
_ploy__subcmd__order__subcmd__help__subcmd__preview_commands() {
    local commands; commands=()
    _describe -t commands 'ploy order help preview commands' commands "$@"
}
(( $+functions[_ploy__subcmd__order__subcmd__preview_commands] )) ||
_ploy__subcmd__order__subcmd__preview_commands() {
    local commands; commands=()
    _describe -t commands 'ploy order preview commands' commands "$@"
}
(( $+functions[_ploy__subcmd__orders_commands] )) ||
_ploy__subcmd__orders_commands() {
    local commands; commands=()
    _describe -t commands 'ploy orders commands' commands "$@"
}
(( $+functions[_ploy__subcmd__positions_commands] )) ||
_ploy__subcmd__positions_commands() {
    local commands; commands=()
    _describe -t commands 'ploy positions commands' commands "$@"
}
(( $+functions[_ploy__subcmd__record_commands] )) ||
_ploy__subcmd__record_commands() {
    local commands; commands=()
    _describe -t commands 'ploy record commands' commands "$@"
}
(( $+functions[_ploy__subcmd__replay_commands] )) ||
_ploy__subcmd__replay_commands() {
    local commands; commands=()
    _describe -t commands 'ploy replay commands' commands "$@"
}
(( $+functions[_ploy__subcmd__report_commands] )) ||
_ploy__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'ploy report commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl_commands] )) ||
_ploy__subcmd__rl_commands() {
    local commands; commands=(
'train:Learn a half-spread policy from recordings by counterfactual replay; write the model' \
'eval:Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)' \
'generate:Write synthetic recordings (calm and toxic regimes) for training and tests' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy rl commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__eval_commands] )) ||
_ploy__subcmd__rl__subcmd__eval_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl eval commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__generate_commands] )) ||
_ploy__subcmd__rl__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl generate commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__help_commands] )) ||
_ploy__subcmd__rl__subcmd__help_commands() {
    local commands; commands=(
'train:Learn a half-spread policy from recordings by counterfactual replay; write the model' \
'eval:Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)' \
'generate:Write synthetic recordings (calm and toxic regimes) for training and tests' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'ploy rl help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__help__subcmd__eval_commands] )) ||
_ploy__subcmd__rl__subcmd__help__subcmd__eval_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl help eval commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__help__subcmd__generate_commands] )) ||
_ploy__subcmd__rl__subcmd__help__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl help generate commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__help__subcmd__help_commands] )) ||
_ploy__subcmd__rl__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl help help commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__help__subcmd__train_commands] )) ||
_ploy__subcmd__rl__subcmd__help__subcmd__train_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl help train commands' commands "$@"
}
(( $+functions[_ploy__subcmd__rl__subcmd__train_commands] )) ||
_ploy__subcmd__rl__subcmd__train_commands() {
    local commands; commands=()
    _describe -t commands 'ploy rl train commands' commands "$@"
}
(( $+functions[_ploy__subcmd__run_commands] )) ||
_ploy__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'ploy run commands' commands "$@"
}
(( $+functions[_ploy__subcmd__version_commands] )) ||
_ploy__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'ploy version commands' commands "$@"
}

if [ "$funcstack[1]" = "_ploy" ]; then
    _ploy "$@"
else
    compdef _ploy ploy
fi
