//! The reflection and commitment forms.

use poise::serenity_prelude as serenity;

use crate::bot::components::ModalKind;

/// The longest reflection the bot stores. The form itself allows Discord's 4000, so a longer
/// text reaches the bot and can be handed back to the writer instead of being cut off unseen.
pub const REFLECTION_MAX: usize = 2000;
const FORM_MAX: u16 = 4000;

pub fn reflection_modal(delivery: i64, question: &str) -> serenity::CreateModal {
    let input = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        "Your reflection (only you see it)",
        "text",
    )
    .placeholder(question)
    .max_length(FORM_MAX)
    .required(true);
    serenity::CreateModal::new(ModalKind::Reflection { delivery }.to_string(), "Reflection")
        .components(vec![serenity::CreateActionRow::InputText(input)])
}

/// The commitment form, with one curriculum template shown as the example in each field.
pub fn commitment_modal(when_example: &str, will_example: &str) -> serenity::CreateModal {
    let when = serenity::CreateInputText::new(serenity::InputTextStyle::Short, "When…", "when")
        .placeholder(when_example)
        .max_length(200)
        .required(true);
    let will = serenity::CreateInputText::new(serenity::InputTextStyle::Short, "I will…", "will")
        .placeholder(will_example)
        .max_length(200)
        .required(true);
    let days = serenity::CreateInputText::new(
        serenity::InputTextStyle::Short,
        "Check in after how many days? (1-60)",
        "days",
    )
    .value("7")
    .max_length(2)
    .required(false);
    serenity::CreateModal::new(ModalKind::Commitment.to_string(), "Make a commitment").components(
        vec![
            serenity::CreateActionRow::InputText(when),
            serenity::CreateActionRow::InputText(will),
            serenity::CreateActionRow::InputText(days),
        ],
    )
}
