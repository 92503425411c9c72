//! The `allybot` binary: parse the command line, load configuration, dispatch.

use std::process::ExitCode;

use clap::Parser;

use allybot::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit 2 here, with clap's message
    let env: Vec<(String, String)> = std::env::vars().collect();
    let settings = match cli::load_settings(&cli, &env) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("allybot: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    // The demo prints a transcript on stdout; keep its terminal free of routine logs.
    let filter = match cli.command {
        Command::Demo { .. } => "warn",
        _ => settings.log.filter.as_str(),
    };
    allybot::telemetry::init(filter);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("allybot: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::execute(cli, settings, env)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match &failure {
                cli::Failure::Config(e) => eprintln!("allybot: configuration error: {e}"),
                cli::Failure::Reported(_) => {}
                cli::Failure::Other(e) => eprintln!("allybot: {e:#}"),
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
