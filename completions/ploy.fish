# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ploy_global_optspecs
    string join \n c/config= h/help V/version
end

function __fish_ploy_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ploy_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ploy_using_subcommand
    set -l cmd (__fish_ploy_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ploy -n "__fish_ploy_needs_command" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_needs_command" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_needs_command" -s V -l version -d 'Print version'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "run" -d 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "check-config" -d 'Validate the config file and environment without starting anything'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "health-check" -d 'Probe a running instance\'s /health; exit 0 only when healthy'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "migrate" -d 'Apply pending database migrations and exit'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "version" -d 'Print version, git revision and build profile'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "replay" -d 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "order" -d 'Orders: preview a signed order without sending it'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "record" -d 'Write the live market feed to a recording for `ploy replay`'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "orders" -d 'List stored orders (read from the database; works while the service is stopped)'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "check-orders" -d 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "db" -d 'Database upkeep'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "rl" -d 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "positions" -d 'Show positions with their last mark and P&L (read from the database)'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "report" -d 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments'
complete -c ploy -n "__fish_ploy_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand run" -l standby-bind -d 'Start as a standby beside the trading instance: serve /health on ADDR, prepare (markets, fees, credentials), report ready, and trade only after SIGUSR1 once the trading lease is free; then serve on server.bind' -r
complete -c ploy -n "__fish_ploy_using_subcommand run" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand run" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand check-config" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand check-config" -l connect -d 'Also connect to the database and the market-data source'
complete -c ploy -n "__fish_ploy_using_subcommand check-config" -l json -d 'Print a JSON report on stdout'
complete -c ploy -n "__fish_ploy_using_subcommand check-config" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand health-check" -l url -d 'The /health URL [default: from server.bind in the config, else http://127.0.0.1:8080/health]' -r
complete -c ploy -n "__fish_ploy_using_subcommand health-check" -l timeout -d 'Give up after this long' -r
complete -c ploy -n "__fish_ploy_using_subcommand health-check" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand health-check" -l json -d 'Print the /health JSON on stdout'
complete -c ploy -n "__fish_ploy_using_subcommand health-check" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand migrate" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand migrate" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand version" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand version" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand version" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand replay" -l show-fills -d 'How many fills to list' -r
complete -c ploy -n "__fish_ploy_using_subcommand replay" -l policy -d 'Quote with this trained model\'s half-spreads (`ploy rl train`; needs the `rl` feature)' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand replay" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand replay" -l json -d 'Print the whole report as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand replay" -l strict -d 'Fail on the first bad line instead of skipping it (as `market_data.recording_strict = true` does)'
complete -c ploy -n "__fish_ploy_using_subcommand replay" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand order; and not __fish_seen_subcommand_from preview help" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand order; and not __fish_seen_subcommand_from preview help" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand order; and not __fish_seen_subcommand_from preview help" -f -a "preview" -d 'Print the exact signed body that would be posted; post nothing'
complete -c ploy -n "__fish_ploy_using_subcommand order; and not __fish_seen_subcommand_from preview help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l token-id -d 'Outcome token ID (decimal)' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l side -d 'BUY or SELL' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l price -d 'Limit price' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l size -d 'Size in shares (at most 2 decimals)' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l tick-size -d 'The market\'s tick size' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l order-type -d 'Order type' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l expiration -d 'GTD only: when it expires, Unix seconds or a duration after now (10m)' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l salt -d 'Salt (default: random, ≤ 2^53 − 1)' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l timestamp -d 'Timestamp in ms (default: now)' -r
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l neg-risk -d 'A neg-risk market (signed for the neg-risk exchange)'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l v3 -d 'Sign for the V3 exchange'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l post-only -d 'Post-only (rest, never take); only with GTC or GTD'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from preview" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from help" -f -a "preview" -d 'Print the exact signed body that would be posted; post nothing'
complete -c ploy -n "__fish_ploy_using_subcommand order; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand record" -s o -l out -d 'The recording to write (JSONL)' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand record" -l duration -d 'Stop after this long' -r
complete -c ploy -n "__fish_ploy_using_subcommand record" -l markets -d 'Token IDs to record [default: strategy.markets]' -r
complete -c ploy -n "__fish_ploy_using_subcommand record" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand record" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand orders" -l status -d 'Only orders with this status: pending, open, filled, cancelled, failed' -r
complete -c ploy -n "__fish_ploy_using_subcommand orders" -l older-than -d 'Only orders created at least this long ago (e.g. 5m)' -r
complete -c ploy -n "__fish_ploy_using_subcommand orders" -l market -d 'Only orders of this token ID' -r
complete -c ploy -n "__fish_ploy_using_subcommand orders" -l limit -d 'At most this many, newest first' -r
complete -c ploy -n "__fish_ploy_using_subcommand orders" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand orders" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand orders" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand check-orders" -l older-than -d 'Only orders stored this long ago or more (younger ones may be in flight)' -r
complete -c ploy -n "__fish_ploy_using_subcommand check-orders" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand check-orders" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand check-orders" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "checkpoint" -d 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "backup" -d 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "verify" -d 'Restore drill: check a backup\'s sha256 and schema, restore it into a scratch copy, migrate and check it'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "restore" -d 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "upload" -d 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "list" -d 'List the backups in a folder, or in object storage with --from'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "download" -d 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
complete -c ploy -n "__fish_ploy_using_subcommand db; and not __fish_seen_subcommand_from checkpoint backup verify restore upload list download help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from backup" -l out -d 'The folder to write `<name>.db.gz` and `<name>.json` into' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from backup" -l label -d 'A label to put in the backup\'s name and manifest' -r
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from backup" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from backup" -l json -d 'Print the manifest as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from verify" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from verify" -l json -d 'Print the manifest with its verification as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -l halt-reason -d 'Save the kill switch as halted in the restored database, with this reason' -r
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -l keep-dir -d 'Where the backup of the database being replaced goes (default: the manifest\'s folder)' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -l dry-run -d 'Only say what would be replaced by what; change nothing'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -l json -d 'Print the report as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from upload" -l to -d 'Where: `s3://bucket/prefix` (credentials from the environment or .env, or the instance role)' -r
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from upload" -l dir -d 'The folder holding the backups' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from upload" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from upload" -l json -d 'Print the result as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from upload" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from list" -l dir -d 'The folder holding the backups' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from list" -l from -d 'List the whole backups in object storage instead: `s3://bucket/prefix`' -r
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from list" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from list" -l json -d 'Print the manifests as JSON, one per line'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from download" -l from -d 'Where from: `s3://bucket/prefix`' -r
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from download" -l out -d 'The folder to put it in' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from download" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from download" -l json -d 'Print the manifest as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "checkpoint" -d 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Restore drill: check a backup\'s sha256 and schema, restore it into a scratch copy, migrate and check it'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "upload" -d 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the backups in a folder, or in object storage with --from'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "download" -d 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
complete -c ploy -n "__fish_ploy_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -f -a "train" -d 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -f -a "eval" -d 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -f -a "generate" -d 'Write synthetic recordings (calm and toxic regimes) for training and tests'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and not __fish_seen_subcommand_from train eval generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l recordings -d 'A folder of recordings (`*.jsonl`), all used' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l seed -d 'The seed (file order, exploration): the same seed and files give the same model' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l out -d 'Where to write the model' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l arms -d 'The arms: half-spreads in ticks' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l window -d 'The decision window (event time)' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -l json -d 'Print the model\'s summary as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from train" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -l model -d 'The model (`ploy rl train --out`)' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -l recordings -d 'A folder of recordings (`*.jsonl`) to evaluate on' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -l seed -d 'The bootstrap\'s seed' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -l json -d 'Print the whole report as JSON'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from eval" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -l out -d 'The folder to write `synthetic-<seed>.jsonl` into' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -l seeds -d 'The seeds, e.g. `1-20` or `3,7`' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -l minutes -d 'Minutes of market time per session' -r
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -l control -d 'Calm only (the single-regime control) instead of calm and toxic stretches'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from help" -f -a "train" -d 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from help" -f -a "eval" -d 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Write synthetic recordings (calm and toxic regimes) for training and tests'
complete -c ploy -n "__fish_ploy_using_subcommand rl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand positions" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand positions" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand positions" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand report" -l since -d 'The window, ending now (e.g. 24h, 7d)' -r
complete -c ploy -n "__fish_ploy_using_subcommand report" -s c -l config -d 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]' -r -F
complete -c ploy -n "__fish_ploy_using_subcommand report" -l json -d 'Print JSON'
complete -c ploy -n "__fish_ploy_using_subcommand report" -s h -l help -d 'Print help'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "run" -d 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "check-config" -d 'Validate the config file and environment without starting anything'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "health-check" -d 'Probe a running instance\'s /health; exit 0 only when healthy'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "migrate" -d 'Apply pending database migrations and exit'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "version" -d 'Print version, git revision and build profile'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "replay" -d 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "order" -d 'Orders: preview a signed order without sending it'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "record" -d 'Write the live market feed to a recording for `ploy replay`'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "orders" -d 'List stored orders (read from the database; works while the service is stopped)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "check-orders" -d 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "db" -d 'Database upkeep'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "rl" -d 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "positions" -d 'Show positions with their last mark and P&L (read from the database)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "report" -d 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments'
complete -c ploy -n "__fish_ploy_using_subcommand help; and not __fish_seen_subcommand_from run check-config health-check migrate version replay order record orders check-orders db rl positions report help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from order" -f -a "preview" -d 'Print the exact signed body that would be posted; post nothing'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "checkpoint" -d 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backup" -d 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "verify" -d 'Restore drill: check a backup\'s sha256 and schema, restore it into a scratch copy, migrate and check it'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "restore" -d 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "upload" -d 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "list" -d 'List the backups in a folder, or in object storage with --from'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "download" -d 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from rl" -f -a "train" -d 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from rl" -f -a "eval" -d 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
complete -c ploy -n "__fish_ploy_using_subcommand help; and __fish_seen_subcommand_from rl" -f -a "generate" -d 'Write synthetic recordings (calm and toxic regimes) for training and tests'
