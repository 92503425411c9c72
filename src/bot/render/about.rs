//! The `/about` card.

use poise::serenity_prelude as serenity;

use super::ACCENT;

/// The `/about` answer: what the bot does, what it keeps, and how to begin. `questions` is
/// `quiz.questions`; weekly summaries count only groups of at least `min_group_size` people.
pub fn about(questions: u32, min_group_size: u32) -> serenity::CreateEmbed {
    let quiz = match questions {
        1 => "one short scenario question".to_owned(),
        n => format!("{n} short scenario questions"),
    };
    serenity::CreateEmbed::new()
        .title("allybot: everyday allyship practice")
        .colour(ACCENT)
        .description(format!(
            "allybot turns allyship into a small daily habit, framed by the 4 As: **Awareness, \
             Action, Advocacy, Accountability**: open-ended everyday practice, or a certification \
             track module by module.\n\n\
             • Each working day your cohort gets one short practice prompt, at your cohort's local time.\n\
             • `/quiz` asks {quiz} and explains every answer.\n\
             • `/reflect` keeps a private note; `/commit` records a \"When…, I will…\" plan and checks in with you later.\n\
             • `/progress` shows your own streak and what's next.",
        ))
        .field(
            "How to begin",
            "Click **Join** on your cohort's invite, or run `/join`. Admins (Manage Server) start with \
             `/cohort create`, then `/cohort channel`, `/cohort schedule` and `/cohort invite`.",
            false,
        )
        .field(
            "Your privacy",
            format!(
                "Only you can see your reflections, notes and answers. Admins see how many people are \
                 in a cohort, never what any one of them did; their weekly summaries count only \
                 groups of at least {min_group_size} people. `/privacy info` says exactly what is kept, \
                 `/privacy export` gives you all of it, and `/privacy delete` removes it. Nothing \
                 here is ever used for employment decisions."
            ),
            false,
        )
        .footer(serenity::CreateEmbedFooter::new("Practice, not perfection: a missed day is fine."))
}
