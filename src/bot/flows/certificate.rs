//! Certification in the bot: noticing a completion after a person acts, the form that asks for
//! the name on the certificate (typed at that moment, never taken from the member list), the
//! certificate PNG with its verification code, the congratulation posted only if they press
//! Share, `/certificate verify`, and the "Certification" section of `/progress`.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;

use super::{Answer, Outcome};
use crate::bot::plan_ids::{PlanButton, PlanForm};
use crate::bot::{sealed, Data, Error};
use crate::content::model::Track;
use crate::domain::cert_code::CertCode;
use crate::domain::certification::Left;
use crate::domain::local_time::local_date;
use crate::domain::{plural, Stage};
use crate::report::certificate::{self, CertificateView};
use crate::report::standing::{self, PersonStanding};
use crate::store::{Cohort, Completion};

/// The longest name a certificate takes (it must fit the page in a readable size).
pub const NAME_MAX: usize = 64;

const NOT_YOURS: &str = "This certificate button isn't yours, or is no longer valid.";

/// After anything a person does: if they now meet every criterion of a certification track
/// they are on, the completion is recorded and the scheduler sends the notice. Quiet on
/// failure (logged): it is tried again after their next action.
pub async fn check_completion(data: &Data, user: u64) {
    if let Err(e) = try_check(data, user).await {
        tracing::warn!(user_id = user, error.cause_chain = ?e, "could not check for a completed track");
    }
}

async fn try_check(data: &Data, user: u64) -> Result<(), Error> {
    for cohort_id in data.store.live_cohorts_of(user).await? {
        let Some(cohort) = data.store.cohort(cohort_id).await? else {
            continue;
        };
        let Some(track) = data.curriculum.track(&cohort.track) else {
            continue;
        };
        if track.certification.is_none()
            || data.store.completion_of(user, cohort.id).await?.is_some()
        {
            continue;
        }
        let calendar = data.store.calendar(&cohort).await?;
        let Some(found) = standing::standing(&data.store, track, &cohort, &calendar, user).await?
        else {
            continue;
        };
        if !found.standing.complete() {
            continue;
        }
        let now = data.clock.now();
        let on = local_date(now, cohort.timezone);
        if let Some(id) = data
            .store
            .record_completion(user, cohort.id, &track.id, on, now)
            .await?
        {
            tracing::info!(
                user_id = user,
                cohort_id = cohort.id,
                completion_id = id,
                "track completed"
            );
            data.scheduler_wake.notify_one();
        }
    }
    Ok(())
}

/// The button under the notice (and in `/progress`) that asks for the name.
pub fn certificate_button(completion: i64, issued: bool) -> serenity::CreateButton {
    serenity::CreateButton::new(PlanButton::Certificate { completion }.to_string())
        .label(if issued {
            "Get my certificate again"
        } else {
            "Get my certificate"
        })
        .style(serenity::ButtonStyle::Success)
}

async fn own_completion(data: &Data, user: u64, id: i64) -> Result<Option<Completion>, Error> {
    Ok(data
        .store
        .completion(id)
        .await?
        .filter(|c| c.user_id == user))
}

/// "Get my certificate": the form for the name on it.
pub async fn form(data: &Data, user: u64, completion: i64) -> Result<Outcome, Error> {
    if own_completion(data, user, completion).await?.is_none() {
        return Ok(Answer::text(NOT_YOURS).into());
    }
    let input = serenity::CreateInputText::new(
        serenity::InputTextStyle::Short,
        "Your name, as it should appear",
        "name",
    )
    .placeholder("Typed here, never taken from your profile")
    .min_length(1)
    .max_length(NAME_MAX as u16)
    .required(true);
    Ok(Outcome::Form(
        serenity::CreateModal::new(
            PlanForm::Certificate { completion }.to_string(),
            "Your certificate",
        )
        .components(vec![serenity::CreateActionRow::InputText(input)]),
    ))
}

/// A certificate ready to send: the PNG and what goes with it.
pub struct Issued {
    pub png: Vec<u8>,
    pub answer: Answer,
}

/// Why a name is not taken, if it is not.
fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("The certificate needs a name. Press the button again and type it.".into());
    }
    let length = name.chars().count();
    if length > NAME_MAX {
        return Some(format!(
            "A name on a certificate can be up to {NAME_MAX} characters; this one has {length}."
        ));
    }
    if name.chars().any(char::is_control) {
        return Some("A name is one line of text.".into());
    }
    None
}

/// The form was sent: the certificate is issued (its code made once, the name sealed) and
/// drawn. A refusal hands the name back.
pub async fn issue(
    data: &Data,
    http: &serenity::Http,
    user: u64,
    completion: i64,
    name: &str,
) -> Result<Result<Issued, Answer>, Error> {
    let name = name.trim();
    if let Some(problem) = name_problem(name) {
        return Ok(Err(Answer::text(problem).with_text_back(name)));
    }
    let Some(found) = own_completion(data, user, completion).await? else {
        return Ok(Err(Answer::text(NOT_YOURS)));
    };
    let code = match &found.code {
        Some(code) => CertCode::parse(code).map_err(|e| anyhow::anyhow!("a stored code: {e}"))?,
        None => CertCode::generate(&mut rand::rng()),
    };
    let now = data.clock.now();
    super::persist(|| {
        let seal = sealed::sealing(&data.cipher, name);
        data.store
            .issue_certificate(completion, user, code.canonical(), seal, now)
    })
    .await?;
    let cohort = data.store.cohort(found.cohort_id).await?;
    let cohort_name = cohort.as_ref().map_or("", |c| c.name.as_str()).to_owned();
    let server = match &cohort {
        Some(c) => server_name(data, http, c.guild_id).await,
        None => None,
    };
    let title = track_title(data, &found.track);
    let shown = code.to_string();
    let owned = (
        title.clone(),
        name.to_owned(),
        cohort_name.clone(),
        server.clone(),
        shown.clone(),
        found.completed_on,
    );
    let png = tokio::task::spawn_blocking(move || {
        let (title, name, cohort, server, code, on) = owned;
        certificate::render(&CertificateView {
            track_title: &title,
            name: &name,
            completed_on: on,
            cohort: &cohort,
            server: server.as_deref(),
            code: &code,
        })
    })
    .await??;
    tracing::info!(
        user_id = user,
        completion_id = completion,
        "certificate issued"
    );
    let share = serenity::CreateButton::new(PlanButton::Share { completion }.to_string())
        .label("Share in my cohort's channel")
        .style(serenity::ButtonStyle::Secondary);
    let mut answer = Answer::text(format!(
        "Congratulations! Here is your certificate for **{title}**.\n\
         Verification code: **{shown}**. Anyone can check it with `/certificate verify` (or \
         `allybot verify {shown}`), which says only that it is genuine, the track and the date.\n\
         Sharing is up to you: **Share** posts a congratulation with the name on your \
         certificate in your cohort's channel. Nothing is posted otherwise."
    ));
    if found.shared_at.is_none() {
        answer = answer.with_button(share);
    }
    Ok(Ok(Issued { png, answer }))
}

fn track_title(data: &Data, track: &str) -> String {
    data.curriculum
        .track(track)
        .map_or_else(|| track.to_owned(), |t| t.title.clone())
}

/// The server's name, read from Discord (not stored).
async fn server_name(data: &Data, http: &serenity::Http, guild: u64) -> Option<String> {
    let id = serenity::GuildId::new(guild);
    match data.pacer.call(None, || id.to_partial_guild(http)).await {
        Ok(found) => Some(found.name),
        Err(e) => {
            tracing::warn!(guild_id = guild, error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not read the server's name for a certificate");
            None
        }
    }
}

/// "Share": a congratulation naming the person (with the name on their certificate) in their
/// cohort's channel, once.
pub async fn share(
    data: &Data,
    http: &serenity::Http,
    user: u64,
    completion: i64,
) -> Result<Answer, Error> {
    let Some(found) = own_completion(data, user, completion).await? else {
        return Ok(Answer::text(NOT_YOURS));
    };
    let (Some(sealed_name), Some(cohort)) = (
        &found.name_sealed,
        data.store.cohort(found.cohort_id).await?,
    ) else {
        return Ok(Answer::text(
            "Get your certificate first; then you can share it.",
        ));
    };
    let Some(channel) = cohort.channel_id else {
        return Ok(Answer::text("Your cohort has no channel to post in."));
    };
    let now: DateTime<Utc> = data.clock.now();
    if !data
        .store
        .claim_congratulation(completion, user, channel, now)
        .await?
    {
        return Ok(Answer::text(
            "You've shared it already. Congratulations again!",
        ));
    }
    let name = sealed::opened(
        &data.cipher,
        crate::store::SealedColumn::CertificateName,
        completion,
        user,
        sealed_name,
    )?;
    let title = track_title(data, &found.track);
    let message = serenity::CreateMessage::new()
        .content(format!(
            "🎉 **{}** completed the **{title}**. Congratulations!",
            crate::bot::render::plan::plain(&name)
        ))
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    let target = serenity::ChannelId::new(channel);
    match data
        .pacer
        .call(Some(channel), || target.send_message(http, message.clone()))
        .await
    {
        Ok(posted) => {
            data.store
                .settle_congratulation(completion, Some(posted.id.get()))
                .await?;
            tracing::info!(
                user_id = user,
                completion_id = completion,
                "congratulation shared"
            );
            Ok(Answer::text(format!("Shared in <#{channel}>. Well done!")))
        }
        Err(e) => {
            data.store.settle_congratulation(completion, None).await?;
            tracing::warn!(channel_id = channel, error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not post a congratulation");
            Ok(Answer::text(
                "I couldn't post in your cohort's channel just now; press Share again later.",
            ))
        }
    }
}

/// `/certificate verify`: genuine or not, and for a genuine code the track and date only.
pub async fn verify(data: &Data, code: &str) -> Result<Answer, Error> {
    let code = match CertCode::parse(code) {
        Ok(code) => code,
        Err(e) => return Ok(Answer::text(format!("That isn't a certificate code: {e}."))),
    };
    Ok(Answer::text(
        match data.store.verify_code(code.canonical()).await? {
            Some(found) => format!(
                "✅ **{code}** is a genuine certificate: **{}**, completed on {}.",
                track_title(data, &found.track),
                found.completed_on.format("%-d %B %Y")
            ),
            None => format!("❌ **{code}** is not a certificate issued here."),
        },
    ))
}

/// `/progress`'s section: each module against its criteria, what the track still asks, the
/// next step, and the buttons that help catch up (or fetch the certificate).
pub struct Section {
    pub field: String,
    pub next: Option<String>,
    pub buttons: Vec<serenity::CreateButton>,
}

pub async fn progress_section(
    data: &Data,
    track: &Track,
    cohort: &Cohort,
    calendar: &crate::domain::PracticeCalendar,
    user: u64,
    today: Option<u32>,
) -> Result<Option<Section>, Error> {
    let Some(found) = standing::standing(&data.store, track, cohort, calendar, user).await? else {
        return Ok(None);
    };
    let mut done = data.store.completion_of(user, cohort.id).await?;
    if done.is_none() && found.standing.complete() {
        // The action that met the last criterion may have answered a moment ago, before its
        // completion was recorded: /progress records it itself rather than say "not yet".
        let now = data.clock.now();
        let on = local_date(now, cohort.timezone);
        if let Some(id) = data
            .store
            .record_completion(user, cohort.id, &track.id, on, now)
            .await?
        {
            tracing::info!(
                user_id = user,
                cohort_id = cohort.id,
                completion_id = id,
                "track completed"
            );
            data.scheduler_wake.notify_one();
        }
        done = data.store.completion_of(user, cohort.id).await?;
    }
    if let Some(done) = done {
        let field = match &done.code {
            Some(code) => format!(
                "🎓 Completed on {}. Certificate code **{}**.",
                done.completed_on.format("%-d %b %Y"),
                CertCode::parse(code).map_or(code.clone(), |c| c.to_string())
            ),
            None => format!(
                "🎓 Completed on {}! Press **Get my certificate** to choose the name on it.",
                done.completed_on.format("%-d %b %Y")
            ),
        };
        return Ok(Some(Section {
            field,
            next: None,
            buttons: vec![certificate_button(done.id, done.code.is_some())],
        }));
    }
    Ok(Some(describe(data, track, cohort, &found, today).await?))
}

async fn describe(
    data: &Data,
    track: &Track,
    cohort: &Cohort,
    found: &PersonStanding,
    today: Option<u32>,
) -> Result<Section, Error> {
    let reached = |number: u8| match today {
        None => false,
        Some(day) => match cohort.plan.stage(day, &cohort.pace) {
            Stage::Module(current) => number <= current,
            _ => true,
        },
    };
    let total = track.modules.len() as u64;
    let mut lines = vec![format!(
        "{} of {total} {} met.",
        found.standing.modules_met(),
        plural::noun(total, "module", "modules")
    )];
    let mut next = None;
    let mut buttons = Vec::new();
    for module in &found.standing.modules {
        let number = module.number;
        if module.met() {
            lines.push(format!("✅ Module {number}: met"));
        } else if !reached(number) {
            lines.push(format!("◻️ Module {number}: not started yet"));
        } else {
            let left: Vec<String> = module.left.iter().map(Left::describe).collect();
            lines.push(format!("◻️ Module {number}: {} to go", left.join(", ")));
            if next.is_none() {
                next = Some(catch_up(number, &module.left));
                if module
                    .left
                    .iter()
                    .any(|l| matches!(l, Left::Reflections(_)))
                {
                    if let Some(button) = reflect_button(data, cohort, number).await? {
                        buttons.push(button);
                    }
                }
            }
        }
    }
    for left in &found.standing.track_left {
        lines.push(format!("◻️ Track: {} to go", left.describe()));
    }
    if next.is_none() {
        next = found
            .standing
            .track_left
            .first()
            .map(|l| format!("Toward your certificate: {}", l.describe()));
    }
    Ok(Section {
        field: crate::bot::render::clip(&lines.join("\n"), 1024),
        next,
        buttons,
    })
}

fn catch_up(module: u8, left: &[Left]) -> String {
    let what = match left.first() {
        Some(Left::QuizItems(_)) => format!("`/quiz module:{module}` (questions you miss come back)"),
        Some(Left::Reflections(_)) => format!("a reflection on module {module} (the button below)"),
        Some(Left::EngagedDays(_)) => format!(
            "**I tried this** on module {module}'s nudges in your cohort's channel (older ones count too)"
        ),
        _ => format!("module {module}"),
    };
    format!("Toward your certificate: {what}")
}

/// Reflect on the latest nudge of `module` (a catch-up after the cohort has moved on).
async fn reflect_button(
    data: &Data,
    cohort: &Cohort,
    module: u8,
) -> Result<Option<serenity::CreateButton>, Error> {
    let Some((first, last)) = cohort.pace.span(module) else {
        return Ok(None);
    };
    let delivery = data
        .store
        .latest_sent_between(cohort.id, first, last)
        .await?;
    Ok(delivery.map(|delivery| {
        serenity::CreateButton::new(
            crate::bot::components::ComponentAction::ReflectOnNudge { delivery }.to_string(),
        )
        .label(format!("Reflect on module {module}"))
        .style(serenity::ButtonStyle::Primary)
    }))
}
