//! `aigov landmark`: a timing server for the location evidence of integrity challenges
//! (the protocol is `aigov_agent::landmark`).

use crate::args::{Global, LandmarkArgs};
use aigov_agent::landmark::{Landmark, Served};
use anyhow::Context as _;
use std::process::ExitCode;

/// Runs the landmark until it is stopped, logging each measurement on stderr.
pub fn run(global: &Global, a: &LandmarkArgs) -> anyhow::Result<ExitCode> {
    let (key, _) = crate::keys::file_or_named(global, a.key_file.as_deref(), "the landmark's key")?;
    let landmark =
        Landmark::bind(&a.listen, key).with_context(|| format!("listening on {}", a.listen))?;
    eprintln!(
        "landmark {} listening on {}",
        landmark.public_key(),
        landmark.local_addr()?
    );
    landmark.serve(|served| match served {
        Served::Measured {
            peer,
            device,
            rtt_us,
        } => eprintln!("landmark: {peer}: device {device}: round trip {rtt_us} µs, signed"),
        Served::Refused { peer, reason } => eprintln!("landmark: {peer}: refused: {reason}"),
    })?;
    Ok(ExitCode::SUCCESS)
}
