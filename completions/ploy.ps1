
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ploy' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ploy'
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
        'ploy' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT')
            [CompletionResult]::new('check-config', 'check-config', [CompletionResultType]::ParameterValue, 'Validate the config file and environment without starting anything')
            [CompletionResult]::new('health-check', 'health-check', [CompletionResultType]::ParameterValue, 'Probe a running instance''s /health; exit 0 only when healthy')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending database migrations and exit')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print version, git revision and build profile')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L')
            [CompletionResult]::new('order', 'order', [CompletionResultType]::ParameterValue, 'Orders: preview a signed order without sending it')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Write the live market feed to a recording for `ploy replay`')
            [CompletionResult]::new('orders', 'orders', [CompletionResultType]::ParameterValue, 'List stored orders (read from the database; works while the service is stopped)')
            [CompletionResult]::new('check-orders', 'check-orders', [CompletionResultType]::ParameterValue, 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Database upkeep')
            [CompletionResult]::new('rl', 'rl', [CompletionResultType]::ParameterValue, 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings')
            [CompletionResult]::new('positions', 'positions', [CompletionResultType]::ParameterValue, 'Show positions with their last mark and P&L (read from the database)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;run' {
            [CompletionResult]::new('--standby-bind', '--standby-bind', [CompletionResultType]::ParameterName, 'Start as a standby beside the trading instance: serve /health on ADDR, prepare (markets, fees, credentials), report ready, and trade only after SIGUSR1 once the trading lease is free; then serve on server.bind')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;check-config' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'Also connect to the database and the market-data source')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON report on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;health-check' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The /health URL [default: from server.bind in the config, else http://127.0.0.1:8080/health]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the /health JSON on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;migrate' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;version' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;replay' {
            [CompletionResult]::new('--show-fills', '--show-fills', [CompletionResultType]::ParameterName, 'How many fills to list')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Quote with this trained model''s half-spreads (`ploy rl train`; needs the `rl` feature)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the whole report as JSON')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail on the first bad line instead of skipping it (as `market_data.recording_strict = true` does)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;order' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the exact signed body that would be posted; post nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;order;preview' {
            [CompletionResult]::new('--token-id', '--token-id', [CompletionResultType]::ParameterName, 'Outcome token ID (decimal)')
            [CompletionResult]::new('--side', '--side', [CompletionResultType]::ParameterName, 'BUY or SELL')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Limit price')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size in shares (at most 2 decimals)')
            [CompletionResult]::new('--tick-size', '--tick-size', [CompletionResultType]::ParameterName, 'The market''s tick size')
            [CompletionResult]::new('--order-type', '--order-type', [CompletionResultType]::ParameterName, 'Order type')
            [CompletionResult]::new('--expiration', '--expiration', [CompletionResultType]::ParameterName, 'GTD only: when it expires, Unix seconds or a duration after now (10m)')
            [CompletionResult]::new('--salt', '--salt', [CompletionResultType]::ParameterName, 'Salt (default: random, ≤ 2^53 − 1)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp in ms (default: now)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--neg-risk', '--neg-risk', [CompletionResultType]::ParameterName, 'A neg-risk market (signed for the neg-risk exchange)')
            [CompletionResult]::new('--v3', '--v3', [CompletionResultType]::ParameterName, 'Sign for the V3 exchange')
            [CompletionResult]::new('--post-only', '--post-only', [CompletionResultType]::ParameterName, 'Post-only (rest, never take); only with GTC or GTD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;order;help' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the exact signed body that would be posted; post nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;order;help;preview' {
            break
        }
        'ploy;order;help;help' {
            break
        }
        'ploy;record' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The recording to write (JSONL)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The recording to write (JSONL)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long')
            [CompletionResult]::new('--markets', '--markets', [CompletionResultType]::ParameterName, 'Token IDs to record [default: strategy.markets]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;orders' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only orders with this status: pending, open, filled, cancelled, failed')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only orders created at least this long ago (e.g. 5m)')
            [CompletionResult]::new('--market', '--market', [CompletionResultType]::ParameterName, 'Only orders of this token ID')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many, newest first')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;check-orders' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only orders stored this long ago or more (younger ones may be in flight)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Copy backups to S3-compatible object storage (by default every one not copied there yet)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the backups in a folder, or in object storage with --from')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;db;checkpoint' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;backup' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The folder to write `<name>.db.gz` and `<name>.json` into')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A label to put in the backup''s name and manifest')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the manifest as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;verify' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the manifest with its verification as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;restore' {
            [CompletionResult]::new('--halt-reason', '--halt-reason', [CompletionResultType]::ParameterName, 'Save the kill switch as halted in the restored database, with this reason')
            [CompletionResult]::new('--keep-dir', '--keep-dir', [CompletionResultType]::ParameterName, 'Where the backup of the database being replaced goes (default: the manifest''s folder)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only say what would be replaced by what; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;upload' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where: `s3://bucket/prefix` (credentials from the environment or .env, or the instance role)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The folder holding the backups')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;list' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The folder holding the backups')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'List the whole backups in object storage instead: `s3://bucket/prefix`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the manifests as JSON, one per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;download' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Where from: `s3://bucket/prefix`')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The folder to put it in')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the manifest as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;db;help' {
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Copy backups to S3-compatible object storage (by default every one not copied there yet)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the backups in a folder, or in object storage with --from')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;db;help;checkpoint' {
            break
        }
        'ploy;db;help;backup' {
            break
        }
        'ploy;db;help;verify' {
            break
        }
        'ploy;db;help;restore' {
            break
        }
        'ploy;db;help;upload' {
            break
        }
        'ploy;db;help;list' {
            break
        }
        'ploy;db;help;download' {
            break
        }
        'ploy;db;help;help' {
            break
        }
        'ploy;rl' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Learn a half-spread policy from recordings by counterfactual replay; write the model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write synthetic recordings (calm and toxic regimes) for training and tests')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;rl;train' {
            [CompletionResult]::new('--recordings', '--recordings', [CompletionResultType]::ParameterName, 'A folder of recordings (`*.jsonl`), all used')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'The seed (file order, exploration): the same seed and files give the same model')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the model')
            [CompletionResult]::new('--arms', '--arms', [CompletionResultType]::ParameterName, 'The arms: half-spreads in ticks')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'The decision window (event time)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the model''s summary as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;rl;eval' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model (`ploy rl train --out`)')
            [CompletionResult]::new('--recordings', '--recordings', [CompletionResultType]::ParameterName, 'A folder of recordings (`*.jsonl`) to evaluate on')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'The bootstrap''s seed')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the whole report as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;rl;generate' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The folder to write `synthetic-<seed>.jsonl` into')
            [CompletionResult]::new('--seeds', '--seeds', [CompletionResultType]::ParameterName, 'The seeds, e.g. `1-20` or `3,7`')
            [CompletionResult]::new('--minutes', '--minutes', [CompletionResultType]::ParameterName, 'Minutes of market time per session')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--control', '--control', [CompletionResultType]::ParameterName, 'Calm only (the single-regime control) instead of calm and toxic stretches')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;rl;help' {
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Learn a half-spread policy from recordings by counterfactual replay; write the model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write synthetic recordings (calm and toxic regimes) for training and tests')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;rl;help;train' {
            break
        }
        'ploy;rl;help;eval' {
            break
        }
        'ploy;rl;help;generate' {
            break
        }
        'ploy;rl;help;help' {
            break
        }
        'ploy;positions' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The window, ending now (e.g. 24h, 7d)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ploy;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT')
            [CompletionResult]::new('check-config', 'check-config', [CompletionResultType]::ParameterValue, 'Validate the config file and environment without starting anything')
            [CompletionResult]::new('health-check', 'health-check', [CompletionResultType]::ParameterValue, 'Probe a running instance''s /health; exit 0 only when healthy')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending database migrations and exit')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print version, git revision and build profile')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L')
            [CompletionResult]::new('order', 'order', [CompletionResultType]::ParameterValue, 'Orders: preview a signed order without sending it')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Write the live market feed to a recording for `ploy replay`')
            [CompletionResult]::new('orders', 'orders', [CompletionResultType]::ParameterValue, 'List stored orders (read from the database; works while the service is stopped)')
            [CompletionResult]::new('check-orders', 'check-orders', [CompletionResultType]::ParameterValue, 'Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only)')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Database upkeep')
            [CompletionResult]::new('rl', 'rl', [CompletionResultType]::ParameterValue, 'The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings')
            [CompletionResult]::new('positions', 'positions', [CompletionResultType]::ParameterValue, 'Show positions with their last mark and P&L (read from the database)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ploy;help;run' {
            break
        }
        'ploy;help;check-config' {
            break
        }
        'ploy;help;health-check' {
            break
        }
        'ploy;help;migrate' {
            break
        }
        'ploy;help;version' {
            break
        }
        'ploy;help;replay' {
            break
        }
        'ploy;help;order' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the exact signed body that would be posted; post nothing')
            break
        }
        'ploy;help;order;preview' {
            break
        }
        'ploy;help;record' {
            break
        }
        'ploy;help;orders' {
            break
        }
        'ploy;help;check-orders' {
            break
        }
        'ploy;help;db' {
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Restore drill: check a backup''s sha256 and schema, restore it into a scratch copy, migrate and check it')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over this database, the current one kept as a backup first (ploy must be stopped)')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Copy backups to S3-compatible object storage (by default every one not copied there yet)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the backups in a folder, or in object storage with --from')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256')
            break
        }
        'ploy;help;db;checkpoint' {
            break
        }
        'ploy;help;db;backup' {
            break
        }
        'ploy;help;db;verify' {
            break
        }
        'ploy;help;db;restore' {
            break
        }
        'ploy;help;db;upload' {
            break
        }
        'ploy;help;db;list' {
            break
        }
        'ploy;help;db;download' {
            break
        }
        'ploy;help;rl' {
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Learn a half-spread policy from recordings by counterfactual replay; write the model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write synthetic recordings (calm and toxic regimes) for training and tests')
            break
        }
        'ploy;help;rl;train' {
            break
        }
        'ploy;help;rl;eval' {
            break
        }
        'ploy;help;rl;generate' {
            break
        }
        'ploy;help;positions' {
            break
        }
        'ploy;help;report' {
            break
        }
        'ploy;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
