//! Every payload the simulator dispatches is parsed with serenity's own model types first.
//! serenity drops an event it cannot parse without a trace (it becomes `Event::Unknown`), so a
//! simulator that sent one would make the bot look broken, or worse, make a test pass vacuously.

use serde_json::Value;
use serenity::model::event::{
    ChannelDeleteEvent, ChannelUpdateEvent, GatewayEvent, GuildCreateEvent, GuildDeleteEvent,
    InteractionCreateEvent, ReadyEvent, ResumedEvent,
};

/// Checks one dispatch (`t` and `d` of an op-0 frame). The error names the event and serde's
/// complaint, e.g. "INTERACTION_CREATE: missing field `attachment_size_limit`".
pub fn check_dispatch(event: &str, data: &Value) -> Result<(), String> {
    let parsed = match event {
        "READY" => parse::<ReadyEvent>(data),
        "GUILD_CREATE" => parse::<GuildCreateEvent>(data),
        "GUILD_DELETE" => parse::<GuildDeleteEvent>(data),
        "CHANNEL_UPDATE" => parse::<ChannelUpdateEvent>(data),
        "CHANNEL_DELETE" => parse::<ChannelDeleteEvent>(data),
        "INTERACTION_CREATE" => parse::<InteractionCreateEvent>(data),
        "RESUMED" => parse::<ResumedEvent>(data),
        other => Err(format!(
            "the simulator has no conformance check for {other}"
        )),
    };
    parsed.map_err(|e| format!("{event}: {e}"))?;
    // And the whole frame, as the shard parses it before anything else.
    let frame = serde_json::json!({"op": 0, "s": 1, "t": event, "d": data});
    serde_json::from_value::<GatewayEvent>(frame)
        .map(|_| ())
        .map_err(|e| format!("{event} frame: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(data: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(data.clone())
        .map(|_| ())
        .map_err(|e| e.to_string())
}
