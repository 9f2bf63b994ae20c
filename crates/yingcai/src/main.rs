//! `yingcai`: the one binary. Every operation a talent bureau runs is a subcommand here.

mod card;
mod policy;
mod review;
mod settings;
mod sla;

use std::future::IntoFuture as _;
use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use settings::{LogFormat, Overrides, Settings};
use tracing_subscriber::EnvFilter;
use yingcai_services::accounts;
use yingcai_store::Store;
use yingcai_web::AppState;

#[derive(Parser)]
#[command(
    name = "yingcai",
    version,
    about = "英才 yingcai — one window for talent policies",
    long_about = "英才 yingcai — one window for talent policies: green cards, allowances, talent apartments, open competitions and enterprise services.\n\nRuns on a laptop with SQLite (the default) or on PostgreSQL for a whole province.\nSettings come from defaults, an optional yingcai.toml, YINGCAI_* environment variables, then flags."
)]
struct Cli {
    /// A TOML settings file (default: ./yingcai.toml if it exists).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database: sqlite://path/file.sqlite or postgres://user@host:5432/db
    /// [env: YINGCAI_DATABASE_URL] [default: sqlite://data/yingcai.sqlite]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web platform (pages and API). Applies pending migrations first.
    Serve {
        /// Port to listen on [default: 8080].
        #[arg(long, env = "YINGCAI_PORT")]
        port: Option<u16>,
        /// Address to listen on [default: 127.0.0.1]; 0.0.0.0 to serve a network.
        #[arg(long)]
        bind: Option<String>,
        /// Create demo accounts for every role (idempotent) and print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations (forward-only), or show their status.
    Migrate {
        /// Only list the migrations and whether each is applied.
        #[arg(long)]
        status: bool,
    },
    /// Manage administrator accounts from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of a live SQLite database (for PostgreSQL, use pg_dump).
    Backup {
        /// The file to write; must not exist yet.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Import records in bulk, all or nothing (see `import talents --help`).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The audit log: verify it against its hash chain and signed checkpoints, write a
    /// checkpoint.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Run a batch job once (idempotent: safe to re-run).
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The rules engine on files: evaluate or forecast a population CSV, run scenario cases.
    Policy {
        #[command(subcommand)]
        command: policy::PolicyCommand,
    },
    /// Monthly allowance payments: compute a run, approve it.
    Payments {
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// Talent-apartment rounds: run one after its deadline (as the button on the round's
    /// page does, without the web request's time limit).
    Housing {
        #[command(subcommand)]
        command: HousingCommand,
    },
    /// The double-entry ledger of payments.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Check a talent green card offline (see `card verify --help`).
    Card {
        #[command(subcommand)]
        command: card::CardCommand,
    },
    /// Allocate talent apartments for an exported round instance (JSON) by applicant-proposing
    /// deferred acceptance, writing `applicant,complex` pairs: re-runs a published result exactly.
    Allocate {
        /// The instance file (the format of a round's export).
        #[arg(long, value_name = "FILE")]
        instance: PathBuf,
        /// Where to write the pairs (CSV). Written whole or not at all.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Service deadlines in working time on the official calendar (see `sla clock --help`).
    Sla {
        #[command(subcommand)]
        command: sla::SlaCommand,
    },
    /// Open competitions: assign reviewers to proposals from an instance file (see
    /// `review assign --help`).
    Review {
        #[command(subcommand)]
        command: review::ReviewCommand,
    },
    /// Show the effective settings (passwords masked) or a commented example file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator account. The password is read from the terminal, or from
    /// standard input with --password-stdin.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give an account a one-time password and end its sessions (for a locked-out admin).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a roster of talents (CSV in UTF-8, or XLSX) as verified records. Any bad row
    /// rejects the whole file: every problem is listed (and with --errors written as CSV),
    /// and nothing is written. Exit code 2 for a refused file.
    Talents {
        /// The roster: the columns of shared/data/talents.md plus `name` and `resident_id`.
        file: PathBuf,
        /// The officer the records are verified by (an account with the officer role);
        /// without it the audit log names the command line.
        #[arg(long, value_name = "EMAIL")]
        officer: Option<String>,
        /// Write the full error list here (CSV) when the file is refused.
        #[arg(long, value_name = "FILE.csv")]
        errors: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum HousingCommand {
    /// Allocate a round whose deadline has passed and publish its result and offers.
    /// Runs once: a round already allocated is refused.
    Run {
        /// The round's number (as in /officer/housing/rounds/N).
        #[arg(long, value_name = "N")]
        round: i64,
        /// The officer running it.
        #[arg(long, value_name = "EMAIL")]
        officer: Option<String>,
    },
}

#[derive(Subcommand)]
enum PaymentsCommand {
    /// Compute the payment run for a month: one line per (talent, benefit, month) owed,
    /// arrears and overpayments included, each posted to the ledger. Safe to kill and
    /// re-run, or to run twice at once: every line is written exactly once.
    Run {
        /// The month paid, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM")]
        month: yingcai_domain::Month,
        /// The officer preparing the run (another officer must approve it).
        #[arg(long, value_name = "EMAIL")]
        officer: Option<String>,
    },
    /// Approve a computed run (by an officer other than the one who prepared it).
    Approve {
        #[arg(long, value_name = "YYYY-MM")]
        month: yingcai_domain::Month,
        #[arg(long, value_name = "EMAIL")]
        officer: String,
    },
    /// Export an approved run's bank file (recovering overpayments first): CSV or XLSX by
    /// the file's extension. Exporting again writes the same file.
    Export {
        #[arg(long, value_name = "YYYY-MM")]
        month: yingcai_domain::Month,
        #[arg(long, value_name = "FILE.csv|FILE.xlsx")]
        out: PathBuf,
        #[arg(long, value_name = "EMAIL")]
        officer: String,
    },
    /// Import the bank's settlement file (CSV: reference,status,reason; status paid or
    /// failed). Failed payments are carried by the next run's bank file.
    Settle {
        #[arg(long, value_name = "YYYY-MM")]
        month: yingcai_domain::Month,
        file: PathBuf,
        #[arg(long, value_name = "EMAIL")]
        officer: String,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Verify that every transaction balances and that every balance equals the sum of
    /// its entries (exit code 1 if not).
    Check,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and hold it to every signed checkpoint; name the first entry
    /// altered or removed, or the first checkpoint the log no longer contains (exit code 1).
    Verify {
        /// A copy of the checkpoint file (as downloaded from /admin/audit) instead of the
        /// file in the settings.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
        /// The public key (PEM, from `yingcai audit public-key`) instead of the key file.
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
    },
    /// Sign the current head and append it to the checkpoint file (after checking the log
    /// since the last checkpoint). `serve` does this regularly and at shutdown.
    Checkpoint,
    /// Print the public key that checks the checkpoints (PEM), to keep with their copies.
    PublicKey,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Delete expired sessions and old sign-in failures.
    Cleanup,
    /// Open the sealed bids of every open competition whose deadline has passed and run
    /// their formal check (as `serve` does every minute); safe to run again.
    OpenBids,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the effective settings as TOML (database password masked).
    Show,
    /// Print a commented example yingcai.toml.
    Example,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Pure computations on files need neither settings nor a database.
    let command = match cli.command {
        Command::Allocate { instance, out } => return allocate_file(&instance, &out),
        Command::Policy { command } => return policy::run(command),
        Command::Card { command } => return card::run(command),
        Command::Sla { command } => return sla::run(command),
        Command::Review { command } => return review::run(command),
        other => other,
    };
    let overrides = match &command {
        Command::Serve { port, bind, .. } => Overrides {
            database_url: cli.database_url.clone(),
            port: *port,
            bind: bind.clone(),
        },
        _ => Overrides {
            database_url: cli.database_url.clone(),
            ..Overrides::default()
        },
    };
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        Err(error) => return fail(&error),
    };
    init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error.into()),
    };
    match runtime.block_on(run(command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<Refused>() => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error) => fail(&error),
    }
}

/// Errors end here, printed once with their causes.
pub(crate) fn fail(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::FAILURE
}

fn init_logging(settings: &Settings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only on a terminal: a log written to a file or a collector stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
    }
    // A panic (in a request, a job, anywhere) is logged once, here, as a structured error
    // with its request span; the web layer then answers the visitor with a 500 page.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
        let message = yingcai_services::panic_message(info.payload());
        tracing::error!(%location, %message, "panic");
    }));
}

async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url()?;
    Ok(Store::connect(&url, settings.field_cipher()?).await?)
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Allocate { .. }
        | Command::Policy { .. }
        | Command::Card { .. }
        | Command::Sla { .. }
        | Command::Review { .. } => {
            unreachable!("handled in main before settings are read")
        }
        Command::Migrate { status } => {
            let store = open_store(&settings).await?;
            if !status {
                store.migrate().await?;
            }
            for (version, description, applied) in store.migration_status().await? {
                println!(
                    "{version} {description}: {}",
                    if applied { "applied" } else { "pending" }
                );
            }
            Ok(())
        }
        Command::Admin { command } => admin(command, &settings).await,
        Command::Import {
            command:
                ImportCommand::Talents {
                    file,
                    officer,
                    errors,
                },
        } => import_talents(&settings, &file, officer.as_deref(), errors.as_deref()).await,
        Command::Payments { command } => payments(command, &settings).await,
        Command::Housing {
            command: HousingCommand::Run { round, officer },
        } => {
            let store = open_store(&settings).await?;
            store.migrate().await?;
            let actor = match officer {
                Some(email) => officer_actor(&store, &email).await?,
                None => yingcai_store::Actor::Cli,
            };
            let record = store.round(round).await?;
            anyhow::ensure!(
                yingcai_store::now_ms() >= record.deadline_at,
                "round {round} accepts ballots until its deadline; run it afterwards"
            );
            let started = std::time::Instant::now();
            let calendar =
                yingcai_services::work_calendar::calendar(&store, &settings.web.work_hours())
                    .await?;
            let summary =
                yingcai_services::housing::run_round(&store, &record, &calendar, &actor).await?;
            println!(
                "round {round}: {} applicants, {} still eligible at the run, {} offers made ({:.1} s); published at /housing/rounds/{round}",
                summary.applicants,
                summary.allocated_applicants,
                summary.offers,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Ledger {
            command: LedgerCommand::Check,
        } => {
            let store = open_store(&settings).await?;
            let report = store.check_ledger().await?;
            println!(
                "ledger: {} transactions, {} entries, balances sum to {} fen",
                report.transactions, report.entries, report.total_fen
            );
            for txn in &report.unbalanced {
                println!("unbalanced transaction {txn}");
            }
            for (account, stored, sum) in &report.mismatched {
                println!("account {account}: balance {stored} fen, entries sum to {sum} fen");
            }
            for (what, n) in &report.dangling {
                println!("{n} {what}");
            }
            anyhow::ensure!(report.is_sound(), "the ledger does not balance");
            println!("ledger balanced");
            Ok(())
        }
        Command::Audit { command } => audit(command, &settings).await,
        Command::Backup { out } => {
            let store = open_store(&settings).await?;
            store.backup_to(&out).await?;
            println!("backup written to {}", out.display());
            Ok(())
        }
        Command::Jobs {
            command: JobsCommand::Cleanup,
        } => {
            let store = open_store(&settings).await?;
            store.migrate().await?;
            let report = yingcai_jobs::cleanup(&store).await?;
            println!(
                "removed {} expired sessions and {} old sign-in failures",
                report.sessions, report.login_failures
            );
            Ok(())
        }
        Command::Jobs {
            command: JobsCommand::OpenBids,
        } => {
            let store = open_store(&settings).await?;
            store.migrate().await?;
            let documents = std::path::PathBuf::from(&settings.web.documents_dir);
            let report =
                yingcai_jobs::open_bids(&store, &documents, yingcai_store::now_ms()).await?;
            println!(
                "opened {} bids of {} needs ({} drafts lapsed); {} bids formally checked",
                report.opened, report.needs, report.lapsed, report.checked
            );
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Show,
        } => {
            print!("{}", settings.to_redacted_toml()?);
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", settings::EXAMPLE);
            Ok(())
        }
    }
}

async fn admin(command: AdminCommand, settings: &Settings) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    store.migrate().await?;
    match command {
        AdminCommand::Create {
            email,
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut input = String::new();
                std::io::stdin().read_to_string(&mut input)?;
                input.trim_end_matches(['\r', '\n']).to_owned()
            } else if std::io::stdin().is_terminal() {
                let first = rpassword::prompt_password("Password (at least 10 characters): ")?;
                let again = rpassword::prompt_password("Repeat the password: ")?;
                anyhow::ensure!(first == again, "the two passwords are not the same");
                first
            } else {
                anyhow::bail!(
                    "no terminal to ask for the password: pass --password-stdin and pipe it in"
                );
            };
            match accounts::create_admin(&store, &email, &name, &password).await {
                Ok(account) => {
                    println!(
                        "administrator {} created (account {})",
                        account.email, account.account_id
                    );
                    Ok(())
                }
                Err(yingcai_services::Error::Invalid(errors)) => {
                    let lines: Vec<String> = errors
                        .iter()
                        .map(|e| {
                            format!(
                                "{}: {}",
                                e.field,
                                yingcai_web::translate(
                                    yingcai_domain::Locale::En,
                                    &format!("err-{}", e.code),
                                    &[]
                                )
                            )
                        })
                        .collect();
                    anyhow::bail!("{}", lines.join("\n       "))
                }
                Err(other) => Err(other.into()),
            }
        }
        AdminCommand::ResetPassword { email } => {
            let parsed =
                yingcai_domain::Email::parse(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let credentials = store
                .credentials_by_email(&parsed)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with e-mail {email}"))?;
            let temporary = accounts::reset_password(
                &store,
                credentials.account.account_id,
                &yingcai_store::Actor::Cli,
            )
            .await?;
            println!(
                "one-time password for {email}: {temporary}\n(it must be changed at the next sign-in)"
            );
            Ok(())
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let url = settings.database_url()?;
    let store = Store::connect(&url, settings.field_cipher()?).await?;
    if settings.migrate_on_start {
        store.migrate().await?;
    }
    tracing::info!(database = %url, backend = store.backend().name(), "database ready");
    if demo {
        let logins = accounts::seed_demo(&store).await?;
        let enterprise_owner = match logins
            .iter()
            .find(|l| l.role == yingcai_domain::Role::Enterprise)
        {
            Some(login) => {
                let email = yingcai_domain::Email::parse(login.email)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                store
                    .credentials_by_email(&email)
                    .await?
                    .map(|c| c.account.account_id)
            }
            None => None,
        };
        let seeded = yingcai_web::demo::seed_registry(
            &store,
            &settings.web,
            enterprise_owner,
            today_in_china(),
        )
        .await?;
        if let Some(talent) = logins
            .iter()
            .find(|l| l.role == yingcai_domain::Role::Talent)
        {
            let email =
                yingcai_domain::Email::parse(talent.email).map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(account) = store.credentials_by_email(&email).await?.map(|c| c.account) {
                yingcai_web::demo::seed_pending_submission(
                    &store,
                    &yingcai_store::Actor::account(account.account_id, account.email),
                )
                .await?;
            }
        }
        if seeded > 0 {
            println!(
                "Demo registry: {} enterprises and {seeded} verified talents; one submission waits in the officers' queue.",
                store.count_enterprises().await?
            );
        }
        let started = std::time::Instant::now();
        if let Some(desk) =
            yingcai_web::demo::seed_service_desk(&store, &settings.web, yingcai_store::now_ms())
                .await?
        {
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "demo case desk seeded"
            );
            println!(
                "Demo case desk: {} industry service teams with {} cases since January; officer@demo.yingcai.cn works in two teams.",
                desk.teams, desk.cases
            );
        }
        let today = yingcai_domain::Date::try_from(today_in_china())
            .map_err(|_| anyhow::anyhow!("today is outside the calendar"))?;
        if let Some(needs) = yingcai_web::demo::seed_competitions(
            &store,
            &settings.web,
            today,
            yingcai_store::now_ms(),
        )
        .await?
        {
            println!(
                "Demo open competitions: {needs} research needs in every state, three of them on the year's first list at /competitions."
            );
        }
        if let Some(seeded) =
            yingcai_web::demo::seed_bids(&store, &settings.web, today, yingcai_store::now_ms())
                .await?
        {
            println!(
                "Demo sealed bids: two sealed on /competitions/needs/{} (officers see only how many); opened and checked on /competitions/needs/{}/bids.",
                seeded.open_need, seeded.closed_need
            );
        }
        println!(
            "Demo accounts (password for all: {}):",
            accounts::DEMO_PASSWORD
        );
        for login in logins {
            println!("  {:<10} {}", login.role.as_str(), login.email);
        }
    } else if store
        .count_accounts_with_role(yingcai_domain::Role::Admin)
        .await?
        == 0
    {
        println!(
            "No administrator yet. Create the first one with:\n  yingcai admin create --email you@example.gov.cn --name \"Your Name\""
        );
    }

    // A fresh site starts with one service team per industry of its catalogue (nothing
    // where any team exists, such as the demo's, so every start and app server may ask).
    let defaults = yingcai_web::create_default_teams(&store, &settings.web).await?;
    if !defaults.is_empty() {
        tracing::info!(teams = defaults.len(), "default service teams created");
        println!(
            "Created {} industry service teams from the industry catalogue; add their leaders and members at /admin/teams.",
            defaults.len()
        );
    }

    let address: SocketAddr = format!("{}:{}", settings.bind, settings.port)
        .parse()
        .map_err(|e| anyhow::anyhow!("bind address {}:{}: {e}", settings.bind, settings.port))?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    let state = AppState::new(store.clone(), settings.web.clone(), settings.card_signer()?)?;
    let checkpointing = checkpointing(&settings)?;
    if demo {
        yingcai_web::demo::seed_apartments(&store).await?;
    }
    if demo && let Some(url) = yingcai_web::demo::seed_cards(&state, 40).await? {
        println!("Demo green cards issued; check one at:\n  {url}");
    }
    if demo {
        yingcai_web::demo::seed_payments(&store, 40).await?;
    }
    println!("yingcai is serving at http://{}", listener.local_addr()?);

    let mut jobs = yingcai_jobs::standard_jobs(
        &store,
        Duration::from_secs(settings.job_interval_secs.max(1)),
        Some((
            checkpointing.clone(),
            Duration::from_secs(settings.audit_checkpoint_secs.max(1)),
        )),
        settings.web.work_hours(),
    );
    let mail = match &settings.web.smtp {
        Some(smtp) => Some(yingcai_jobs::MailSetup {
            mailer: yingcai_services::mail::Mailer::new(smtp)?,
            render: settings.web.mail_renderer(),
        }),
        None => None,
    };
    jobs.extend(yingcai_jobs::bid_jobs(
        &store,
        std::path::PathBuf::from(&settings.web.documents_dir),
    ));
    jobs.extend(yingcai_jobs::desk_jobs(
        &store,
        settings.web.desk_rules(),
        mail,
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut scheduler = tokio::spawn(yingcai_jobs::scheduler(
        store.clone(),
        jobs,
        yingcai_jobs::Backoff::default(),
        wait_for(stopped.clone()),
    ));
    let mut server = tokio::spawn(
        axum::serve(
            listener,
            yingcai_web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(wait_for(stopped))
        .into_future(),
    );
    // Both run until told to stop. If the scheduler ends on its own, the server stops too,
    // with an error (and a service manager restarts it) rather than serving on for weeks
    // without its jobs.
    let (error, server_done, scheduler_done) = tokio::select! {
        () = shutdown_signal() => (None, false, false),
        outcome = &mut scheduler => {
            let error = match outcome {
                Ok(()) => anyhow::anyhow!("the job scheduler stopped unexpectedly"),
                Err(error) => anyhow::anyhow!("the job scheduler failed: {error}"),
            };
            (Some(error), false, true)
        }
        outcome = &mut server => {
            let error = match outcome {
                Ok(Ok(())) => anyhow::anyhow!("the web server stopped unexpectedly"),
                Ok(Err(error)) => anyhow::anyhow!("the web server failed: {error}"),
                Err(error) => anyhow::anyhow!("the web server failed: {error}"),
            };
            (Some(error), true, false)
        }
    };
    tracing::info!("shutting down: finishing requests and jobs in flight");
    let _ = stop.send(true);
    let mut error = error;
    if !server_done {
        match server.await {
            Ok(Ok(())) => {}
            Ok(Err(failed)) => error = error.or(Some(failed.into())),
            Err(failed) => error = error.or(Some(failed.into())),
        }
    }
    if !scheduler_done && let Err(failed) = scheduler.await {
        error = error.or(Some(anyhow::anyhow!("the job scheduler failed: {failed}")));
    }
    // This server's last writes are in the log: sign the head they left.
    match yingcai_services::audit::checkpoint(&store, &checkpointing).await {
        Ok(yingcai_services::audit::CheckpointOutcome::Written { number, head }) => {
            tracing::info!(number, entry = head.entry_id, "audit checkpoint written");
        }
        Ok(_) => {}
        Err(failed) => {
            tracing::error!(error = %format!("{failed:#}"), "no audit checkpoint at shutdown");
        }
    }
    store.close().await;
    match error {
        Some(error) => Err(error),
        None => {
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Where checkpoints are written and what signs them, from the settings.
fn checkpointing(settings: &Settings) -> anyhow::Result<yingcai_services::audit::Checkpointing> {
    Ok(yingcai_services::audit::Checkpointing {
        signer: std::sync::Arc::new(settings.audit_signer()?),
        file: PathBuf::from(&settings.web.audit_checkpoint_file),
        site: settings.web.public_url.clone(),
    })
}

async fn audit(command: AuditCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify {
            checkpoints,
            public_key,
        } => {
            let file =
                checkpoints.unwrap_or_else(|| PathBuf::from(&settings.web.audit_checkpoint_file));
            let store = open_store(settings).await?;
            let signed = if file.exists() {
                let key = settings.audit_public_key(public_key.as_deref())?;
                yingcai_services::audit::read_checkpoints(&file, &key)?
            } else {
                Vec::new()
            };
            let head = store.verify_audit(&signed).await?;
            println!(
                "audit log intact: {} entries, chain and head agree",
                head.entry_id
            );
            match signed.iter().max_by_key(|c| c.id().number) {
                Some(newest) => println!(
                    "signed checkpoints: {} in {}, every one still in the log unchanged; the newest is {}",
                    signed.len(),
                    file.display(),
                    newest.id()
                ),
                None => println!(
                    "no checkpoints in {}: the chain alone cannot show entries removed or rewritten by someone with access to the database",
                    file.display()
                ),
            }
            Ok(())
        }
        AuditCommand::Checkpoint => {
            let setup = checkpointing(settings)?;
            let store = open_store(settings).await?;
            store.migrate().await?;
            match yingcai_services::audit::checkpoint(&store, &setup).await? {
                yingcai_services::audit::CheckpointOutcome::Written { number, head } => println!(
                    "checkpoint {number} written to {}: entry {} signed",
                    setup.file.display(),
                    head.entry_id
                ),
                yingcai_services::audit::CheckpointOutcome::Unchanged { number, head } => println!(
                    "no new entries since checkpoint {number} (entry {}) in {}",
                    head.entry_id,
                    setup.file.display()
                ),
                yingcai_services::audit::CheckpointOutcome::Empty => {
                    println!("the audit log is empty: nothing to sign yet");
                }
            }
            Ok(())
        }
        AuditCommand::PublicKey => {
            let key = settings.audit_public_key(None)?;
            print!("{}", key.to_pem().map_err(|e| anyhow::anyhow!("{e}"))?);
            Ok(())
        }
    }
}

/// A refused import: the process exits with code 2.
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the file was refused; nothing was imported")
    }
}

impl std::error::Error for Refused {}

/// The officer an operator names with `--officer`.
async fn officer_actor(
    store: &yingcai_store::Store,
    email: &str,
) -> anyhow::Result<yingcai_store::Actor> {
    let parsed =
        yingcai_domain::Email::parse(email).map_err(|e| anyhow::anyhow!("--officer: {e}"))?;
    let account = store
        .credentials_by_email(&parsed)
        .await?
        .map(|c| c.account)
        .filter(|a| a.has_role(yingcai_domain::Role::Officer))
        .ok_or_else(|| anyhow::anyhow!("--officer {email}: no officer account with this e-mail"))?;
    Ok(yingcai_store::Actor::account(
        account.account_id,
        account.email,
    ))
}

async fn payments(command: PaymentsCommand, settings: &Settings) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let store = open_store(settings).await?;
    store.migrate().await?;
    match command {
        PaymentsCommand::Run { month, officer } => {
            let actor = match officer {
                Some(email) => officer_actor(&store, &email).await?,
                None => yingcai_store::Actor::Cli,
            };
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} entitlements ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(format!("payment run {month}"));
            let started = std::time::Instant::now();
            let report =
                yingcai_services::payments::run_month(&store, month, &actor, &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            println!(
                "payment run {}: {} entitlements, {} lines written now; the run has {} lines, {} fen in all ({:.1} s)",
                report.month,
                report.entitlements,
                report.lines_written,
                report.lines,
                report.total_fen,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        PaymentsCommand::Approve { month, officer } => {
            let actor = officer_actor(&store, &officer).await?;
            match yingcai_services::payments::approve(&store, month, &actor).await {
                Ok(run) => {
                    println!("payment run {} approved", run.month);
                    Ok(())
                }
                Err(refusal) => Err(anyhow::Error::new(refusal)
                    .context(format!("payment run {month} not approved"))),
            }
        }
        PaymentsCommand::Export {
            month,
            out,
            officer,
        } => {
            let actor = officer_actor(&store, &officer).await?;
            let transfers = match yingcai_services::payments::export(&store, month, &actor).await {
                Ok(transfers) => transfers,
                Err(refusal) => {
                    return Err(anyhow::Error::new(refusal)
                        .context(format!("payment run {month} not exported")));
                }
            };
            let bytes = match out.extension().and_then(|e| e.to_str()) {
                Some("xlsx") => yingcai_services::payments::bank_file_xlsx(month, &transfers)?,
                _ => yingcai_services::payments::bank_file_csv(month, &transfers)?,
            };
            write_atomically(&out, |file| std::io::Write::write_all(file, &bytes))?;
            let total: i64 = transfers.iter().map(|t| t.amount_fen).sum();
            println!(
                "bank file for {month}: {} payees, {}, written to {}",
                transfers.iter().filter(|t| t.amount_fen > 0).count(),
                yingcai_domain::Fen(total).yuan_grouped(),
                out.display()
            );
            Ok(())
        }
        PaymentsCommand::Settle {
            month,
            file,
            officer,
        } => {
            let actor = officer_actor(&store, &officer).await?;
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let answers = yingcai_services::payments::read_settlement(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            match yingcai_services::payments::settle(&store, month, &answers, &actor).await {
                Ok(report) => {
                    println!(
                        "settlement for {month}: {} paid, {} failed (carried by the next run), {} already settled or unknown",
                        report.paid, report.failed, report.ignored
                    );
                    Ok(())
                }
                Err(refusal) => {
                    Err(anyhow::Error::new(refusal)
                        .context(format!("payment run {month} not settled")))
                }
            }
        }
    }
}

async fn import_talents(
    settings: &Settings,
    file: &std::path::Path,
    officer: Option<&str>,
    errors_out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let store = open_store(settings).await?;
    store.migrate().await?;
    let actor = match officer {
        None => yingcai_store::Actor::Cli,
        Some(email) => officer_actor(&store, email).await?,
    };
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let started = std::time::Instant::now();
    // A spinner while the file is checked, then a bar over the rows written.
    let bar = ProgressBar::new_spinner().with_message(format!("checking {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let styled = std::sync::atomic::AtomicBool::new(false);
    let progress = |done: usize| {
        if !styled.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("writing");
        }
        bar.set_position(done as u64);
    };
    // The number of lines bounds the rows; the bar is exact for CSV, approximate for XLSX.
    let lines = bytes
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    bar.set_length(lines.max(1) as u64);
    let outcome = yingcai_services::registry::import_roster(
        &store,
        &settings.web.honors,
        today_in_china(),
        std::sync::Arc::new(bytes),
        &file.display().to_string(),
        &actor,
        &progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    match outcome {
        yingcai_services::registry::ImportOutcome::Imported(summary) => {
            let ids = summary
                .talent_ids
                .map_or_else(String::new, |(lo, hi)| format!(" (ids {lo}-{hi})"));
            println!(
                "imported {} verified talent records{ids} in {:.1} s",
                summary.imported,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        yingcai_services::registry::ImportOutcome::Refused(errors) => {
            let message = |code: &str| {
                yingcai_web::translate(yingcai_domain::Locale::En, &format!("err-{code}"), &[])
            };
            for error in errors.iter().take(50) {
                let place = match (error.row, error.column.as_str()) {
                    (0, "") => "file".to_owned(),
                    (row, "") => format!("row {row}"),
                    (row, column) => format!("row {row}, {column}"),
                };
                let value = if error.value.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", error.value)
                };
                eprintln!("{place}: {}{value}", message(error.code));
            }
            if errors.len() > 50 {
                eprintln!("… and {} more", errors.len() - 50);
            }
            if let Some(path) = errors_out {
                std::fs::write(path, yingcai_import::errors_to_csv(&errors, message))?;
                eprintln!("the full list is in {}", path.display());
            }
            Err(anyhow::Error::new(Refused))
        }
    }
}

fn today_in_china() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// `yingcai allocate`: exit code 2 for a bad instance (named in the message), 1 for I/O.
fn allocate_file(instance: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let bytes = match std::fs::read(instance) {
        Ok(bytes) => bytes,
        Err(error) => return fail(&anyhow::anyhow!("{}: {error}", instance.display())),
    };
    let parsed = match yingcai_allocation::Instance::from_json(&bytes) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {}: {error}", instance.display());
            return ExitCode::from(2);
        }
    };
    let allocation = yingcai_allocation::allocate(&parsed);
    match write_atomically(out, |file| allocation.write_csv(file)) {
        Ok(()) => {
            eprintln!(
                "{} of {} applicants matched across {} complexes; pairs written to {}",
                allocation.matched(),
                parsed.num_applicants(),
                parsed.num_complexes(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// Writes to a temporary file beside `path` and renames it into place, so a crash or an
/// error never leaves a half-written result behind.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let temporary = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    let mut writer = std::io::BufWriter::new(temporary.reopen()?);
    write(&mut writer).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    std::io::Write::flush(&mut writer)?;
    temporary
        .persist(path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(())
}

async fn wait_for(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Ctrl-C or SIGTERM (what a service manager sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
