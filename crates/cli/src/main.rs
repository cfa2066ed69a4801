//! The aigov binary: node, CLI, light-client verifier.
//!
//! Exit codes: 0 success, 1 a negative answer (e.g. a proof that does not verify), 2 an error.
#![forbid(unsafe_code)]

mod agent;
mod args;
mod bench;
mod bench_drip;
mod bench_tally;
mod certify;
mod compute;
mod dev;
mod economy;
mod gov;
mod keys;
mod landmark;
mod model;
mod output;
mod query;
mod testnet;
mod tx;
mod validators;
mod verify;
mod whistle;

use args::{Cli, Command};
use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AIGOV_LOG").unwrap_or_else(|_| {
                // `dev` narrates finalized blocks; everything else stays quiet.
                let default = match cli.command {
                    Command::Dev(_) => "warn,aigov_chain=info",
                    _ => "warn",
                };
                tracing_subscriber::EnvFilter::new(default)
            }),
        )
        .init();
    let result = match &cli.command {
        Command::Dev(a) => dev::run(&cli.global, a),
        Command::Keys(a) => keys::run(&cli.global, a),
        Command::Tx(a) => tx::run(&cli.global, a),
        Command::Query(a) => query::run(&cli.global, a),
        Command::Verify(a) => verify::run(&cli.global, a),
        Command::Bench(a) => bench::run(&cli.global, a),
        Command::Testnet(a) => testnet::run_testnet(&cli.global, a),
        Command::Node(a) => testnet::run_node(&cli.global, a),
        Command::Model(a) => model::run(&cli.global, a),
        Command::Whistle(a) => whistle::run(&cli.global, a),
        Command::Agent(a) => agent::run(&cli.global, a),
        Command::Landmark(a) => landmark::run(&cli.global, a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // The whole chain, once: what failed, then why.
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
