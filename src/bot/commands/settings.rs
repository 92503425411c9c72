//! `/settings`: a person's own time zone, reminders on or off, and quiet hours. Every option
//! is checked before anything is saved, so a bad value changes nothing.

use chrono_tz::Tz;
use poise::serenity_prelude as serenity;

use crate::bot::commands::support::{reply, suggestions};
use crate::bot::errors::user_error;
use crate::bot::zones::{closest, parse_zone, suggest};
use crate::bot::{Context, Error};
use crate::domain::QuietHours;
use crate::store::ParticipantSettings;

/// Typed as a time zone: go back to the cohort's zone.
const COHORT_ZONE: &str = "cohort";
/// Typed as quiet hours: none.
const NO_QUIET: [&str; 3] = ["off", "none", "no"];

async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let wanted = partial.trim().to_lowercase();
    let mut names: Vec<String> = Vec::new();
    if COHORT_ZONE.starts_with(&wanted) {
        names.push(COHORT_ZONE.to_owned());
    }
    names.extend(
        suggest(partial, 25 - names.len())
            .into_iter()
            .map(str::to_owned),
    );
    suggestions(names)
}

/// What the options ask to change; `None` leaves a setting as it is.
#[derive(Debug, Default, PartialEq)]
struct Change {
    timezone: Option<Option<Tz>>,
    reminders_on: Option<bool>,
    quiet: Option<Option<QuietHours>>,
}

impl Change {
    fn is_empty(&self) -> bool {
        *self == Change::default()
    }

    fn apply(&self, settings: &mut ParticipantSettings) {
        if let Some(zone) = self.timezone {
            settings.timezone = zone;
        }
        if let Some(on) = self.reminders_on {
            settings.reminders_on = on;
        }
        if let Some(quiet) = self.quiet {
            settings.quiet = quiet;
        }
    }
}

fn parse_timezone(text: &str) -> Result<Option<Tz>, Error> {
    if text.trim().eq_ignore_ascii_case(COHORT_ZONE) {
        return Ok(None);
    }
    parse_zone(text).map(Some).ok_or_else(|| {
        user_error(format!(
            "`{}` isn't a time zone I know. Did you mean {}? Start typing in the **timezone** option \
             to pick one, or use `cohort` for your cohort's zone. Nothing was changed.",
            text.trim(),
            closest(text)
        ))
    })
}

fn parse_quiet(text: &str) -> Result<Option<QuietHours>, Error> {
    if NO_QUIET
        .iter()
        .any(|off| text.trim().eq_ignore_ascii_case(off))
    {
        return Ok(None);
    }
    QuietHours::parse(text).map(Some).map_err(|e| {
        user_error(format!(
            "{e}, or `off` for no quiet hours. Nothing was changed."
        ))
    })
}

fn parse_change(
    timezone: Option<&str>,
    reminders: Option<&str>,
    quiet_hours: Option<&str>,
) -> Result<Change, Error> {
    Ok(Change {
        timezone: timezone.map(parse_timezone).transpose()?,
        reminders_on: reminders.map(|r| r == "on"),
        quiet: quiet_hours.map(parse_quiet).transpose()?,
    })
}

fn summary(settings: &ParticipantSettings, cohort_zone: Option<Tz>) -> String {
    let zone = match (settings.timezone, cohort_zone) {
        (Some(own), _) => format!("`{}` (your own)", own.name()),
        (None, Some(cohort)) => format!("`{}` (your cohort's)", cohort.name()),
        (None, None) => "your cohort's".to_owned(),
    };
    let reminders = if settings.reminders_on {
        "**on**: a private DM when a check-in is due, at most one a day and three a week"
    } else {
        "**off**: check-ins wait for you in `/checkin` and show up on your next command"
    };
    let quiet = settings
        .quiet
        .map_or("none".to_owned(), |q| format!("**{q}** your time"));
    format!(
        "Time zone: {zone}\nReminders: {reminders}\nQuiet hours: {quiet}\n\n\
         Change any of them with `/settings timezone`, `/settings reminders` or `/settings quiet_hours` \
         (like `22:00-07:30`, or `off`)."
    )
}

/// Your own time zone, reminders and quiet hours (with no options: what they are now).
#[poise::command(slash_command)]
pub async fn settings(
    ctx: Context<'_>,
    #[description = "Your IANA time zone, like Europe/London (or cohort)"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Private check-in reminders by DM"]
    #[choices("on", "off")]
    reminders: Option<&'static str>,
    #[description = "No reminders between these times, HH:MM-HH:MM (or off)"] quiet_hours: Option<
        String,
    >,
) -> Result<(), Error> {
    let data = ctx.data();
    let user = ctx.author().id.get();
    let change = parse_change(timezone.as_deref(), reminders, quiet_hours.as_deref())?;
    let mut settings = data.store.participant_settings(user).await?;
    let cohort_zone = match ctx.guild_id() {
        Some(guild) => data
            .store
            .current_cohort(guild.get(), user)
            .await?
            .map(|c| c.timezone),
        None => None,
    };
    if change.is_empty() {
        return reply(
            ctx,
            format!("**Your settings**\n{}", summary(&settings, cohort_zone)),
        )
        .await;
    }
    change.apply(&mut settings);
    data.store
        .save_participant_settings(user, &settings, data.clock.now())
        .await?;
    data.scheduler_wake.notify_one();
    tracing::info!(user_id = user, "settings saved");
    reply(ctx, format!("Saved.\n{}", summary(&settings, cohort_zone))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_is_checked_before_anything_changes() {
        assert!(parse_change(Some("Mars/Olympus"), Some("off"), None).is_err());
        assert!(parse_change(Some("Europe/Berlin"), None, Some("25:00-07:00")).is_err());
        let change = parse_change(Some("europe/berlin"), Some("off"), Some("22:00-07:30")).unwrap();
        assert_eq!(change.timezone, Some(Some(chrono_tz::Europe::Berlin)));
        assert_eq!(change.reminders_on, Some(false));
        assert_eq!(change.quiet.unwrap().unwrap().to_string(), "22:00-07:30");
    }

    #[test]
    fn cohort_and_off_clear_a_setting() {
        let change = parse_change(Some("Cohort"), None, Some("off")).unwrap();
        assert_eq!(change.timezone, Some(None));
        assert_eq!(change.quiet, Some(None));
        assert!(parse_change(None, None, None).unwrap().is_empty());
    }
}
