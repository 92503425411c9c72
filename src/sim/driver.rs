//! Acting as a user: slash commands (built from the bot's own registered definitions, so a test
//! can only use names and options the bot really registered), button clicks, modal submits and
//! autocomplete. Each returns a handle to await the bot's answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::payloads::{self, InteractionEnvelope};
use super::state::{Shared, SimState};
use super::view::{Choice, ModalView, Reply, SimMessage};
use super::world::{InteractionKind, InteractionRecord};
use super::Simulator;

/// Who acts, and where.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user: u64,
    pub guild: Option<u64>,
    pub channel: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no registered command /{0}")]
    UnknownCommand(String),
    #[error("Discord would not show /{0} to this user (default_member_permissions)")]
    Hidden(String),
    #[error("/{command} has no option `{option}`")]
    UnknownOption { command: String, option: String },
    #[error("Discord's client would refuse option `{option}`: {why}")]
    InvalidOption { option: String, why: String },
    #[error("no message {0} visible to this user")]
    NoSuchMessage(u64),
    #[error("no enabled component `{0}` on that message")]
    NoSuchComponent(String),
    #[error("that interaction did not open a modal")]
    NotAModal,
    #[error("modal field problem: {0}")]
    ModalField(String),
    #[error("the simulator refused to dispatch: {0}")]
    Conformance(String),
    #[error("the bot did not answer within {waited:?} (rejections: {rejections:?})")]
    NoReply {
        waited: Duration,
        rejections: Vec<u32>,
    },
}

/// One interaction the simulator dispatched, to await the bot's answer.
#[derive(Clone)]
pub struct InteractionHandle {
    shared: Arc<Shared>,
    pub id: u64,
    pub user: u64,
}

const REPLY_WAIT: Duration = Duration::from_secs(10);

impl InteractionHandle {
    /// Waits for the answer the user would see.
    pub async fn reply(&self) -> Result<Reply, SimError> {
        self.reply_within(REPLY_WAIT).await
    }

    pub async fn reply_within(&self, wait: Duration) -> Result<Reply, SimError> {
        let id = self.id;
        self.shared.wait_until(wait, |s| reply_visible(s, id)).await;
        self.shared
            .read(|s| visible_reply(s, id))
            .ok_or_else(|| SimError::NoReply {
                waited: wait,
                rejections: self.rejections(),
            })
    }

    /// The interaction's token, as the bot received it (to check that logs never show it).
    pub fn token(&self) -> String {
        self.shared.read(|s| {
            s.world
                .interactions
                .get(&self.id)
                .map(|r| r.token.clone())
                .unwrap_or_default()
        })
    }

    /// Error codes Discord (the simulator) answered the bot's responses with.
    pub fn rejections(&self) -> Vec<u32> {
        self.shared.read(|s| {
            s.world
                .interactions
                .get(&self.id)
                .map(|r| r.rejections.clone())
                .unwrap_or_default()
        })
    }

    /// Followup messages, oldest first (the filled-in deferred response is not one).
    pub fn followups(&self) -> Vec<SimMessage> {
        self.shared.read(|s| {
            let ids = s
                .world
                .interactions
                .get(&self.id)
                .map(|r| r.followups.clone())
                .unwrap_or_default();
            ids.iter()
                .filter_map(|m| s.world.messages.get(m))
                .map(SimMessage::from_stored)
                .collect()
        })
    }

    /// Waits until at least `count` followups arrived (or `wait` passed); returns them all.
    pub async fn wait_for_followups(&self, count: usize, wait: Duration) -> Vec<SimMessage> {
        let id = self.id;
        self.shared
            .wait_until(wait, |s| {
                s.world
                    .interactions
                    .get(&id)
                    .is_some_and(|r| r.followups.len() >= count)
            })
            .await;
        self.followups()
    }

    /// Waits until the bot has acknowledged the interaction (answered or deferred it), or
    /// `wait` passes; returns the time from dispatch to the acknowledgement.
    pub async fn wait_for_ack(&self, wait: Duration) -> Option<Duration> {
        let id = self.id;
        self.shared
            .wait_until(wait, |s| {
                s.world
                    .interactions
                    .get(&id)
                    .is_some_and(|r| r.ack.is_some())
            })
            .await;
        self.ack_latency()
    }

    /// Time from dispatch to the bot's first acknowledgement.
    pub fn ack_latency(&self) -> Option<Duration> {
        self.shared.read(|s| {
            let record = s.world.interactions.get(&self.id)?;
            Some(record.ack.as_ref()?.at.duration_since(record.created))
        })
    }

    pub(crate) fn modal(&self) -> Option<(ModalView, Option<u64>, u64, Option<u64>)> {
        self.shared.read(|s| {
            let record = s.world.interactions.get(&self.id)?;
            let ack = record.ack.as_ref().filter(|a| a.response_type == 9)?;
            Some((
                ModalView::from_data(&ack.data),
                record.source_message,
                record.channel_id,
                record.guild_id,
            ))
        })
    }
}

/// Whether [`visible_reply`] would find the answer, without copying it: this runs on every
/// change to the simulator for every interaction awaiting its answer.
fn reply_visible(s: &SimState, id: u64) -> bool {
    let Some(record) = s.world.interactions.get(&id) else {
        return false;
    };
    let Some(ack) = &record.ack else {
        return false;
    };
    let stored = |m: Option<u64>| m.and_then(|m| s.world.messages.get(&m));
    match ack.response_type {
        4 => stored(record.original_message).is_some(),
        5 => stored(record.original_message).is_some_and(|m| !m.pending),
        7 => stored(record.source_message).is_some(),
        6 => {
            stored(record.followups.first().copied()).is_some()
                || (stored(record.source_message).is_some()
                    && record.edited_at.is_some_and(|at| at >= ack.at))
        }
        8 | 9 => true,
        _ => false,
    }
}

fn visible_reply(s: &SimState, id: u64) -> Option<Reply> {
    let record = s.world.interactions.get(&id)?;
    let ack = record.ack.as_ref()?;
    let message = |m: Option<u64>| {
        m.and_then(|m| s.world.messages.get(&m))
            .map(SimMessage::from_stored)
    };
    let first_followup = || message(record.followups.first().copied());
    match ack.response_type {
        4 => message(record.original_message).map(Reply::Message),
        5 => record
            .original_message
            .and_then(|m| s.world.messages.get(&m))
            .filter(|m| !m.pending)
            .map(|m| Reply::Message(SimMessage::from_stored(m))),
        7 => message(record.source_message).map(Reply::Updated),
        6 => first_followup().map(Reply::Message).or_else(|| {
            let source = s.world.messages.get(&record.source_message?)?;
            let edited = record.edited_at.is_some_and(|at| at >= ack.at);
            edited.then(|| Reply::Updated(SimMessage::from_stored(source)))
        }),
        8 => Some(Reply::Choices(
            ack.data
                .get("choices")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| Choice {
                    name: c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    value: c
                        .get("value")
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .unwrap_or_default(),
                })
                .collect(),
        )),
        9 => Some(Reply::Modal(ModalView::from_data(&ack.data))),
        _ => None,
    }
}

impl Simulator {
    /// Runs `/command` (e.g. "cohort create") as `actor`, with options as text converted to the
    /// types the bot registered.
    pub fn slash(
        &self,
        actor: Actor,
        command: &str,
        options: &[(&str, &str)],
    ) -> Result<InteractionHandle, SimError> {
        self.command_interaction(actor, command, options, None, InteractionKind::Command)
    }

    /// Asks for autocomplete suggestions while `focused` is being typed; returns them.
    pub async fn autocomplete(
        &self,
        actor: Actor,
        command: &str,
        options: &[(&str, &str)],
        focused: &str,
    ) -> Result<Vec<Choice>, SimError> {
        let handle = self.command_interaction(
            actor,
            command,
            options,
            Some(focused),
            InteractionKind::Autocomplete,
        )?;
        match handle.reply().await? {
            Reply::Choices(choices) => Ok(choices),
            other => Err(SimError::Conformance(format!(
                "autocomplete answered with {other:?}"
            ))),
        }
    }

    fn command_interaction(
        &self,
        actor: Actor,
        command: &str,
        options: &[(&str, &str)],
        focused: Option<&str>,
        kind: InteractionKind,
    ) -> Result<InteractionHandle, SimError> {
        let path: Vec<&str> = command.split_whitespace().collect();
        let data = self
            .shared
            .read(|s| build_command_data(s, actor, &path, options, focused))?;
        self.dispatch_interaction(actor, kind, data, None)
    }

    /// Clicks the button (or picks from the select menu, with `values`) `custom_id` on `message`.
    pub fn click(
        &self,
        user: u64,
        message: u64,
        custom_id: &str,
    ) -> Result<InteractionHandle, SimError> {
        self.component(user, message, custom_id, None)
    }

    pub fn select(
        &self,
        user: u64,
        message: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Result<InteractionHandle, SimError> {
        self.component(user, message, custom_id, Some(values))
    }

    fn component(
        &self,
        user: u64,
        message: u64,
        custom_id: &str,
        values: Option<&[&str]>,
    ) -> Result<InteractionHandle, SimError> {
        let (actor, message_json) = self.shared.read(|s| {
            let m = s
                .world
                .messages
                .get(&message)
                .filter(|m| !m.deleted && !m.pending);
            let m = m
                .filter(|m| m.visible_to.is_none_or(|v| v == user))
                .ok_or(SimError::NoSuchMessage(message))?;
            let enabled = SimMessage::from_stored(m)
                .components
                .iter()
                .flat_map(|row| {
                    row.get("components")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                })
                .any(|c| {
                    c.get("custom_id").and_then(Value::as_str) == Some(custom_id)
                        && !c.get("disabled").and_then(Value::as_bool).unwrap_or(false)
                });
            if !enabled {
                return Err(SimError::NoSuchComponent(custom_id.to_owned()));
            }
            let guild = s.world.guild_of_channel(m.channel_id).map(|g| g.id);
            Ok((
                Actor {
                    user,
                    guild,
                    channel: m.channel_id,
                },
                payloads::message(&s.world, m),
            ))
        })?;
        let mut data =
            json!({"custom_id": custom_id, "component_type": if values.is_some() { 3 } else { 2 }});
        if let Some(values) = values {
            data["values"] = json!(values);
        }
        self.dispatch_interaction(
            actor,
            InteractionKind::Component,
            data,
            Some((message, message_json)),
        )
    }

    /// Fills in and submits the modal that `opened` answered with. Fields are named by their
    /// custom_id or label.
    pub fn submit_modal(
        &self,
        opened: &InteractionHandle,
        fields: &[(&str, &str)],
    ) -> Result<InteractionHandle, SimError> {
        let (modal, source, channel, guild) = opened.modal().ok_or(SimError::NotAModal)?;
        let mut rows = Vec::new();
        for input in &modal.inputs {
            let value = fields
                .iter()
                .find(|(name, _)| *name == input.custom_id || *name == input.label)
                .map(|(_, v)| (*v).to_owned());
            let length = value.as_deref().map_or(0, |v| v.chars().count() as u64);
            if input.required && length == 0 {
                return Err(SimError::ModalField(format!(
                    "`{}` is required",
                    input.label
                )));
            }
            if input.max_length.is_some_and(|max| length > max)
                || input
                    .min_length
                    .is_some_and(|min| length > 0 && length < min)
            {
                return Err(SimError::ModalField(format!(
                    "`{}` length {length} is outside its limits",
                    input.label
                )));
            }
            rows.push(json!({"type": 1, "components": [{"type": 4, "custom_id": input.custom_id, "value": value.unwrap_or_default()}]}));
        }
        if let Some((unknown, _)) = fields.iter().find(|(n, _)| {
            !modal
                .inputs
                .iter()
                .any(|i| i.custom_id == *n || i.label == *n)
        }) {
            return Err(SimError::ModalField(format!(
                "the modal has no field `{unknown}`"
            )));
        }
        let data = json!({"custom_id": modal.custom_id, "components": rows});
        let actor = Actor {
            user: opened.user,
            guild,
            channel,
        };
        let message = source.and_then(|m| {
            self.shared.read(|s| {
                s.world
                    .messages
                    .get(&m)
                    .map(|msg| (m, payloads::message(&s.world, msg)))
            })
        });
        self.dispatch_interaction(actor, InteractionKind::ModalSubmit, data, message)
    }

    fn dispatch_interaction(
        &self,
        actor: Actor,
        kind: InteractionKind,
        data: Value,
        message: Option<(u64, Value)>,
    ) -> Result<InteractionHandle, SimError> {
        let id = self.shared.with(|s| {
            let id = s.world.next_id();
            let token = format!("sim-token-{id}");
            let payload = payloads::interaction(
                &s.world,
                InteractionEnvelope {
                    id,
                    token: &token,
                    kind: kind as u8,
                    user_id: actor.user,
                    guild_id: actor.guild,
                    channel_id: actor.channel,
                    data,
                    message: message.as_ref().map(|(_, json)| json.clone()),
                },
            );
            s.world.insert_interaction(InteractionRecord {
                id,
                token,
                kind,
                user_id: actor.user,
                guild_id: actor.guild,
                channel_id: actor.channel,
                created: Instant::now(),
                ack: None,
                original_message: None,
                source_message: message.map(|(m, _)| m),
                followups: vec![],
                rejections: vec![],
                edited_at: None,
            });
            s.dispatch("INTERACTION_CREATE", payload).map(|_| id)
        });
        id.map(|id| InteractionHandle {
            shared: self.shared.clone(),
            id,
            user: actor.user,
        })
        .map_err(SimError::Conformance)
    }
}

fn build_command_data(
    s: &SimState,
    actor: Actor,
    path: &[&str],
    options: &[(&str, &str)],
    focused: Option<&str>,
) -> Result<Value, SimError> {
    let full = path.join(" ");
    let root_name = path.first().copied().unwrap_or_default();
    let root = s
        .world
        .registered_command(actor.guild, root_name)
        .ok_or_else(|| SimError::UnknownCommand(full.clone()))?;
    check_visible(s, actor, root, root_name)?;
    // Walk down subcommand groups and subcommands to the leaf's option list.
    let mut leaf = root;
    for name in &path[1..] {
        leaf = leaf
            .get("options")
            .and_then(Value::as_array)
            .and_then(|opts| {
                opts.iter()
                    .find(|o| o.get("name").and_then(Value::as_str) == Some(name))
            })
            .filter(|o| matches!(o.get("type").and_then(Value::as_u64), Some(1 | 2)))
            .ok_or_else(|| SimError::UnknownCommand(full.clone()))?;
    }
    let specs = leaf
        .get("options")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut resolved = Map::new();
    let mut values = Vec::new();
    for (name, raw) in options {
        let spec = specs
            .iter()
            .find(|o| o.get("name").and_then(Value::as_str) == Some(name))
            .ok_or_else(|| SimError::UnknownOption {
                command: full.clone(),
                option: (*name).to_owned(),
            })?;
        let is_focused = focused == Some(*name);
        let mut value = option_value(s, actor, spec, name, raw, is_focused, &mut resolved)?;
        if is_focused {
            value["focused"] = json!(true);
        }
        values.push(value);
    }
    if focused.is_none() {
        for spec in &specs {
            let name = spec.get("name").and_then(Value::as_str).unwrap_or_default();
            if spec
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                && !options.iter().any(|(n, _)| *n == name)
            {
                return Err(SimError::InvalidOption {
                    option: name.to_owned(),
                    why: "required".into(),
                });
            }
        }
    }
    // Wrap the leaf's options in their subcommand (and group) layers, innermost first.
    let mut nested = values;
    for depth in (1..path.len()).rev() {
        let parent = if depth == 1 {
            root
        } else {
            find_path(root, &path[1..depth])
        };
        let kind = parent
            .get("options")
            .and_then(Value::as_array)
            .and_then(|o| {
                o.iter()
                    .find(|o| o.get("name").and_then(Value::as_str) == Some(path[depth]))
            })
            .and_then(|o| o.get("type").cloned())
            .unwrap_or(json!(1));
        nested = vec![json!({"name": path[depth], "type": kind, "options": nested})];
    }
    let mut data = json!({"id": root.get("id").cloned().unwrap_or(json!("0")), "name": root_name, "type": 1, "options": nested});
    if let Some(guild) = actor.guild {
        data["guild_id"] = json!(guild.to_string());
    }
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    Ok(data)
}

fn find_path<'a>(root: &'a Value, names: &[&str]) -> &'a Value {
    names.iter().fold(root, |node, name| {
        node.get("options")
            .and_then(Value::as_array)
            .and_then(|o| {
                o.iter()
                    .find(|o| o.get("name").and_then(Value::as_str) == Some(name))
            })
            .unwrap_or(node)
    })
}

fn check_visible(s: &SimState, actor: Actor, command: &Value, name: &str) -> Result<(), SimError> {
    let required = command
        .get("default_member_permissions")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .and_then(|v| v.parse::<u64>().ok());
    let (Some(required), Some(guild)) =
        (required, actor.guild.and_then(|g| s.world.guilds.get(&g)))
    else {
        return Ok(());
    };
    let perms = s.world.guild_permissions(guild, actor.user);
    let overridden = guild
        .command_overrides
        .get(name)
        .is_some_and(|users| users.contains(&actor.user));
    if perms & required == required || overridden {
        Ok(())
    } else {
        Err(SimError::Hidden(name.to_owned()))
    }
}

fn option_value(
    s: &SimState,
    actor: Actor,
    spec: &Value,
    name: &str,
    raw: &str,
    focused: bool,
    resolved: &mut Map<String, Value>,
) -> Result<Value, SimError> {
    let invalid = |why: &str| SimError::InvalidOption {
        option: name.to_owned(),
        why: why.to_owned(),
    };
    let kind = spec.get("type").and_then(Value::as_u64).unwrap_or(3);
    if focused {
        return Ok(json!({"name": name, "type": kind, "value": raw}));
    }
    // A person picks a choice by its name; Discord sends the choice's value.
    let choices = spec
        .get("choices")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty());
    if let Some(choice) = choices.and_then(|c| {
        c.iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(raw))
    }) {
        let value = choice.get("value").cloned().unwrap_or(Value::Null);
        return Ok(json!({"name": name, "type": kind, "value": value}));
    }
    let value = match kind {
        3 => {
            let length = raw.chars().count() as u64;
            if spec
                .get("min_length")
                .and_then(Value::as_u64)
                .is_some_and(|min| length < min)
                || spec
                    .get("max_length")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| length > max)
            {
                return Err(invalid("length outside the registered bounds"));
            }
            json!(raw)
        }
        4 => {
            let number: i64 = raw.parse().map_err(|_| invalid("not an integer"))?;
            // Bounds may be sent as floats (poise sends `7.0`); Discord compares the values.
            if spec
                .get("min_value")
                .and_then(Value::as_f64)
                .is_some_and(|min| (number as f64) < min)
                || spec
                    .get("max_value")
                    .and_then(Value::as_f64)
                    .is_some_and(|max| (number as f64) > max)
            {
                return Err(invalid("outside the registered range"));
            }
            json!(number)
        }
        5 => json!(raw.parse::<bool>().map_err(|_| invalid("not true/false"))?),
        10 => json!(raw.parse::<f64>().map_err(|_| invalid("not a number"))?),
        7 => {
            let id: u64 = raw.parse().map_err(|_| invalid("not a channel id"))?;
            let channel = s
                .world
                .channels
                .get(&id)
                .filter(|c| !c.deleted && c.guild_id == actor.guild);
            let channel = channel.ok_or_else(|| invalid("no such channel in this guild"))?;
            let perms = s.world.channel_permissions(id, actor.user);
            let entry = resolved.entry("channels").or_insert_with(|| json!({}));
            entry[id.to_string()] = json!({"id": id.to_string(), "name": channel.name, "type": 0, "permissions": perms.to_string()});
            json!(id.to_string())
        }
        other => return Err(invalid(&format!("option type {other} is not simulated"))),
    };
    if let Some(choices) = spec
        .get("choices")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
    {
        if !choices.iter().any(|c| c.get("value") == Some(&value)) {
            return Err(invalid("not one of the registered choices"));
        }
    }
    Ok(json!({"name": name, "type": kind, "value": value}))
}
