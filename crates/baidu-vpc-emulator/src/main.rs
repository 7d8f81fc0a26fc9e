//! `baidu-vpc-emulator`: a local emulator of Baidu's VPC peering API.
//! Everything lives in `baidu_vpc_emulator`; see `--help` and docs/guides/emulator.md.

use std::io::Write;
use std::process::ExitCode;

use baidu_vpc_emulator::cli::{self, CliCommand, CliOptions};
use baidu_vpc_emulator::logging::{self, StderrLog};
use baidu_vpc_emulator::Emulator;

fn main() -> ExitCode {
    let opts = match cli::parse_args(std::env::args().skip(1)) {
        Ok(CliCommand::Help) => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(CliCommand::Version) => {
            println!("baidu-vpc-emulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(CliCommand::Run(opts)) => opts,
        Err(e) => {
            eprintln!("baidu-vpc-emulator: {e} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("baidu-vpc-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("baidu-vpc-emulator: {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each cause once: the emulator's errors already
/// name their cause in their message, which `{:#}` would print again
/// ("Address already in use (os error 98): Address already in use (os error 98)").
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

async fn run(opts: &CliOptions) -> anyhow::Result<()> {
    logging::install(StderrLog {
        quiet_requests: opts.quiet,
        ..StderrLog::default()
    });
    let config = cli::build_config(opts)?;
    let emulator = Emulator::new(config)?;
    // Installed before the banner: a script may send SIGTERM as soon as it
    // has read the address, and must get a clean shutdown, not the default action.
    let mut stop = StopSignals::install()?;
    let mut running = emulator.start(opts.listen).await?;
    tracing::info!(target: "baidu_vpc_emulator", endpoint = %running.endpoint(), "started");
    {
        let mut out = std::io::stdout().lock();
        for line in cli::banner(running.addr(), emulator.config()) {
            writeln!(out, "{line}")?;
        }
        out.flush()?;
    }
    tokio::select! {
        _ = stop.recv() => {}
        r = running.wait() => return Ok(r?),
    }
    tracing::info!(target: "baidu_vpc_emulator", "shutting down");
    running.trigger_shutdown();
    running.wait().await?;
    Ok(())
}

/// Ctrl-C or SIGTERM.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
