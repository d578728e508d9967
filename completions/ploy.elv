
use builtin;
use str;

set edit:completion:arg-completer[ploy] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ploy'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ploy'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT'
            cand check-config 'Validate the config file and environment without starting anything'
            cand health-check 'Probe a running instance''s /health; exit 0 only when healthy'
            cand migrate 'Apply pending database migrations and exit'
            cand version 'Print version, git revision and build profile'
            cand replay 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L'
            cand order 'Orders: preview a signed order without sending it'
            cand record 'Write the live market feed to a recording for `ploy replay`'
            cand orders 'List stored orders (read from the database; works while the service is stopped)'
            cand check-orders 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)'
            cand db 'Database upkeep'
            cand rl 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings'
            cand positions 'Show positions with their last mark and P&L (read from the database)'
            cand report 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;run'= {
            cand --standby-bind 'Start as a standby beside the trading instance: serve /health on ADDR, prepare (markets, fees, credentials), report ready, and trade only after SIGUSR1 once the trading lease is free; then serve on server.bind'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;check-config'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --connect 'Also connect to the database and the market-data source'
            cand --json 'Print a JSON report on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;health-check'= {
            cand --url 'The /health URL [default: from server.bind in the config, else http://127.0.0.1:8080/health]'
            cand --timeout 'Give up after this long'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the /health JSON on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;migrate'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;version'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;replay'= {
            cand --show-fills 'How many fills to list'
            cand --policy 'Quote with this trained model''s half-spreads (`ploy rl train`; needs the `rl` feature)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the whole report as JSON'
            cand --strict 'Fail on the first bad line instead of skipping it (as `market_data.recording_strict = true` does)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;order'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand preview 'Print the exact signed body that would be posted; post nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;order;preview'= {
            cand --token-id 'Outcome token ID (decimal)'
            cand --side 'BUY or SELL'
            cand --price 'Limit price'
            cand --size 'Size in shares (at most 2 decimals)'
            cand --tick-size 'The market''s tick size'
            cand --order-type 'Order type'
            cand --expiration 'GTD only: when it expires, Unix seconds or a duration after now (10m)'
            cand --salt 'Salt (default: random, ≤ 2^53 − 1)'
            cand --timestamp 'Timestamp in ms (default: now)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --neg-risk 'A neg-risk market (signed for the neg-risk exchange)'
            cand --v3 'Sign for the V3 exchange'
            cand --post-only 'Post-only (rest, never take); only with GTC or GTD'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;order;help'= {
            cand preview 'Print the exact signed body that would be posted; post nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;order;help;preview'= {
        }
        &'ploy;order;help;help'= {
        }
        &'ploy;record'= {
            cand -o 'The recording to write (JSONL)'
            cand --out 'The recording to write (JSONL)'
            cand --duration 'Stop after this long'
            cand --markets 'Token IDs to record [default: strategy.markets]'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;orders'= {
            cand --status 'Only orders with this status: pending, open, filled, cancelled, failed'
            cand --older-than 'Only orders created at least this long ago (e.g. 5m)'
            cand --market 'Only orders of this token ID'
            cand --limit 'At most this many, newest first'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;check-orders'= {
            cand --older-than 'Only orders stored this long ago or more (younger ones may be in flight)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand checkpoint 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
            cand backup 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
            cand verify 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it'
            cand restore 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
            cand upload 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
            cand list 'List the backups in a folder, or in object storage with --from'
            cand download 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;db;checkpoint'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;backup'= {
            cand --out 'The folder to write `<name>.db.gz` and `<name>.json` into'
            cand --label 'A label to put in the backup''s name and manifest'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the manifest as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;verify'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the manifest with its verification as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;restore'= {
            cand --halt-reason 'Save the kill switch as halted in the restored database, with this reason'
            cand --keep-dir 'Where the backup of the database being replaced goes (default: the manifest''s folder)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --dry-run 'Only say what would be replaced by what; change nothing'
            cand --json 'Print the report as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;upload'= {
            cand --to 'Where: `s3://bucket/prefix` (credentials from the environment or .env, or the instance role)'
            cand --dir 'The folder holding the backups'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the result as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;list'= {
            cand --dir 'The folder holding the backups'
            cand --from 'List the whole backups in object storage instead: `s3://bucket/prefix`'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the manifests as JSON, one per line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;download'= {
            cand --from 'Where from: `s3://bucket/prefix`'
            cand --out 'The folder to put it in'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the manifest as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;db;help'= {
            cand checkpoint 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
            cand backup 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
            cand verify 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it'
            cand restore 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
            cand upload 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
            cand list 'List the backups in a folder, or in object storage with --from'
            cand download 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;db;help;checkpoint'= {
        }
        &'ploy;db;help;backup'= {
        }
        &'ploy;db;help;verify'= {
        }
        &'ploy;db;help;restore'= {
        }
        &'ploy;db;help;upload'= {
        }
        &'ploy;db;help;list'= {
        }
        &'ploy;db;help;download'= {
        }
        &'ploy;db;help;help'= {
        }
        &'ploy;rl'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand train 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
            cand eval 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
            cand generate 'Write synthetic recordings (calm and toxic regimes) for training and tests'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;rl;train'= {
            cand --recordings 'A folder of recordings (`*.jsonl`), all used'
            cand --seed 'The seed (file order, exploration): the same seed and files give the same model'
            cand --out 'Where to write the model'
            cand --arms 'The arms: half-spreads in ticks'
            cand --window 'The decision window (event time)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the model''s summary as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;rl;eval'= {
            cand --model 'The model (`ploy rl train --out`)'
            cand --recordings 'A folder of recordings (`*.jsonl`) to evaluate on'
            cand --seed 'The bootstrap''s seed'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print the whole report as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;rl;generate'= {
            cand --out 'The folder to write `synthetic-<seed>.jsonl` into'
            cand --seeds 'The seeds, e.g. `1-20` or `3,7`'
            cand --minutes 'Minutes of market time per session'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --control 'Calm only (the single-regime control) instead of calm and toxic stretches'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;rl;help'= {
            cand train 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
            cand eval 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
            cand generate 'Write synthetic recordings (calm and toxic regimes) for training and tests'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;rl;help;train'= {
        }
        &'ploy;rl;help;eval'= {
        }
        &'ploy;rl;help;generate'= {
        }
        &'ploy;rl;help;help'= {
        }
        &'ploy;positions'= {
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;report'= {
            cand --since 'The window, ending now (e.g. 24h, 7d)'
            cand -c 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --config 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ploy;help'= {
            cand run 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT'
            cand check-config 'Validate the config file and environment without starting anything'
            cand health-check 'Probe a running instance''s /health; exit 0 only when healthy'
            cand migrate 'Apply pending database migrations and exit'
            cand version 'Print version, git revision and build profile'
            cand replay 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L'
            cand order 'Orders: preview a signed order without sending it'
            cand record 'Write the live market feed to a recording for `ploy replay`'
            cand orders 'List stored orders (read from the database; works while the service is stopped)'
            cand check-orders 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)'
            cand db 'Database upkeep'
            cand rl 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings'
            cand positions 'Show positions with their last mark and P&L (read from the database)'
            cand report 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ploy;help;run'= {
        }
        &'ploy;help;check-config'= {
        }
        &'ploy;help;health-check'= {
        }
        &'ploy;help;migrate'= {
        }
        &'ploy;help;version'= {
        }
        &'ploy;help;replay'= {
        }
        &'ploy;help;order'= {
            cand preview 'Print the exact signed body that would be posted; post nothing'
        }
        &'ploy;help;order;preview'= {
        }
        &'ploy;help;record'= {
        }
        &'ploy;help;orders'= {
        }
        &'ploy;help;check-orders'= {
        }
        &'ploy;help;db'= {
            cand checkpoint 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)'
            cand backup 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)'
            cand verify 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it'
            cand restore 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)'
            cand upload 'Copy backups to S3-compatible object storage (by default every one not copied there yet)'
            cand list 'List the backups in a folder, or in object storage with --from'
            cand download 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256'
        }
        &'ploy;help;db;checkpoint'= {
        }
        &'ploy;help;db;backup'= {
        }
        &'ploy;help;db;verify'= {
        }
        &'ploy;help;db;restore'= {
        }
        &'ploy;help;db;upload'= {
        }
        &'ploy;help;db;list'= {
        }
        &'ploy;help;db;download'= {
        }
        &'ploy;help;rl'= {
            cand train 'Learn a half-spread policy from recordings by counterfactual replay; write the model'
            cand eval 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)'
            cand generate 'Write synthetic recordings (calm and toxic regimes) for training and tests'
        }
        &'ploy;help;rl;train'= {
        }
        &'ploy;help;rl;eval'= {
        }
        &'ploy;help;rl;generate'= {
        }
        &'ploy;help;positions'= {
        }
        &'ploy;help;report'= {
        }
        &'ploy;help;help'= {
        }
    ]
    $completions[$command]
}
