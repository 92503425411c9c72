//! Every slash command, one file per command family.

mod about;
mod certificate;
mod cohort;
mod commit;
pub mod org;
mod participant;
mod plan;
mod privacy;
mod progress;
mod quiz;
mod reflect;
mod settings;
pub mod support;

use crate::bot::{Data, Error};

/// The one list of commands the bot registers.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        about::about(),
        cohort::cohort(),
        org::org(),
        participant::join(),
        participant::leave(),
        participant::today(),
        reflect::reflect(),
        privacy::privacy(),
        progress::progress(),
        quiz::quiz(),
        commit::commit(),
        commit::checkin(),
        settings::settings(),
        plan::plan(),
        certificate::certificate(),
    ]
}
