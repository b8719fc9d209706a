//! `bazaar`: serve the shop, migrate, seed a demo catalog, create the first admin.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    let config = match server::config::Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("bazaar: {err}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("bazaar: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(server::cli::run(cli, config))
}
