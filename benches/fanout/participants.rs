//! Simulated participants using the bot while the nudges go out. The load is open-loop: a
//! ticker hands out interactions at the target rate, whatever the bot's latency, and whichever
//! participant is free takes the next one (a slow bot cannot slow the load down and so hide
//! its own latency). Each participant walks the day's realistic path, one interaction per turn:
//! `/today`, Quiz me on their cohort's nudge (`/quiz` until the nudge is there), an answer
//! button, a confidence rating, I tried this, `/progress`, `/reflect` (with the consent notice
//! the first time) and the reflection form's submit; then round again.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use allybot::sim::{Actor, InteractionHandle, Reply, SimError, SimMessage, Simulator};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::world::Participant;

/// How long a participant waits for an answer before counting the interaction unanswered
/// (well past Discord's 3 s, after which the simulator refuses the answer anyway).
const REPLY_WAIT: Duration = Duration::from_secs(5);
const TICK: Duration = Duration::from_millis(10);
const REFLECTION: &str = "I named what I saw in the meeting, kindly, and asked how to help.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Today,
    QuizMe,
    Quiz,
    Answer,
    Confidence,
    Tried,
    Progress,
    Reflect,
    Consent,
    Submit,
}

/// One interaction the simulator dispatched.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The target rate when it was sent.
    pub rate: u32,
    pub kind: Kind,
    /// INTERACTION_CREATE sent to the callback's arrival, as the simulator recorded it.
    pub ack: Option<Duration>,
    /// Discord (the simulator) refused the bot's answer (10062 after 3 s, 40060...).
    pub rejected: bool,
}

/// What the load produced.
pub struct Outcome {
    pub samples: Vec<Sample>,
    /// Turns where the participant's next step was not possible (a button missing): no
    /// interaction was sent; the participant started its round again.
    pub flow_errors: usize,
}

pub struct Load {
    permits: Arc<Semaphore>,
    rate: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    flow_errors: Arc<Mutex<usize>>,
    tasks: JoinSet<()>,
}

impl Load {
    /// Starts every participant, idle until [`Load::set_rate`] gives them work.
    pub fn start(sim: Arc<Simulator>, participants: &[Participant]) -> Self {
        let permits = Arc::new(Semaphore::new(0));
        let rate = Arc::new(AtomicU32::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let flow_errors = Arc::new(Mutex::new(0));
        let mut tasks = JoinSet::new();
        {
            let (permits, rate, stop) = (permits.clone(), rate.clone(), stop.clone());
            tasks.spawn(async move { ticker(&permits, &rate, &stop).await });
        }
        for who in participants {
            let mut session = Session::new(*who);
            let (sim, permits, rate) = (sim.clone(), permits.clone(), rate.clone());
            let (samples, flow_errors) = (samples.clone(), flow_errors.clone());
            tasks.spawn(async move {
                while let Ok(permit) = permits.acquire().await {
                    permit.forget();
                    let at_rate = rate.load(Ordering::Relaxed);
                    match session.turn(&sim).await {
                        Some((kind, ack, rejected)) => {
                            if let Ok(mut all) = samples.lock() {
                                all.push(Sample {
                                    rate: at_rate,
                                    kind,
                                    ack,
                                    rejected,
                                });
                            }
                        }
                        None => {
                            if let Ok(mut count) = flow_errors.lock() {
                                *count += 1;
                            }
                        }
                    }
                }
            });
        }
        Self {
            permits,
            rate,
            stop,
            samples,
            flow_errors,
            tasks,
        }
    }

    /// Interactions a second from now on (0 pauses the load).
    pub fn set_rate(&self, per_second: u32) {
        self.rate.store(per_second, Ordering::Relaxed);
    }

    /// Stops handing out interactions, lets every participant finish the one in hand, and
    /// returns what was measured.
    pub async fn finish(mut self) -> Outcome {
        self.stop.store(true, Ordering::Relaxed);
        self.permits.close();
        while self.tasks.join_next().await.is_some() {}
        let samples = self
            .samples
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        let flow_errors = self.flow_errors.lock().map(|c| *c).unwrap_or_default();
        Outcome {
            samples,
            flow_errors,
        }
    }
}

/// Adds permits so that, over any stretch at one rate, exactly `rate` a second are handed out.
async fn ticker(permits: &Semaphore, rate: &AtomicU32, stop: &AtomicBool) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = Instant::now();
    let mut owed = 0.0_f64;
    while !stop.load(Ordering::Relaxed) {
        interval.tick().await;
        let now = Instant::now();
        owed += f64::from(rate.load(Ordering::Relaxed)) * now.duration_since(last).as_secs_f64();
        last = now;
        let whole = owed.floor();
        if whole >= 1.0 && !permits.is_closed() {
            permits.add_permits(whole as usize);
            owed -= whole;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Today,
    StartQuiz,
    Answer,
    Confidence,
    Tried,
    Progress,
    Reflect,
    Consent,
    Submit,
}

/// The nudge of the participant's cohort, once posted.
struct Nudge {
    id: u64,
    quiz_me: String,
    tried: String,
}

struct Session {
    who: Participant,
    step: Step,
    nudge: Option<Nudge>,
    /// The quiz message, then its feedback, then the consent notice: the message whose
    /// button the next step clicks.
    message: Option<SimMessage>,
    /// The interaction that opened the reflection form.
    form: Option<InteractionHandle>,
}

impl Session {
    fn new(who: Participant) -> Self {
        Self {
            who,
            step: Step::Today,
            nudge: None,
            message: None,
            form: None,
        }
    }

    fn actor(&self) -> Actor {
        Actor {
            user: self.who.user,
            guild: Some(self.who.guild),
            channel: self.who.channel,
        }
    }

    fn look_for_nudge(&mut self, sim: &Simulator) {
        if self.nudge.is_some() {
            return;
        }
        self.nudge = sim
            .channel_messages(self.who.channel)
            .into_iter()
            .find_map(|m| {
                Some(Nudge {
                    id: m.id,
                    quiz_me: m.button("Quiz me")?.custom_id,
                    tried: m.button("I tried this")?.custom_id,
                })
            });
    }

    /// Sends the next interaction and waits for its answer. `None` when the next step was not
    /// possible (nothing sent); the round starts again.
    async fn turn(&mut self, sim: &Simulator) -> Option<(Kind, Option<Duration>, bool)> {
        let (kind, sent) = self.send(sim);
        let Ok(handle) = sent else {
            self.restart();
            return None;
        };
        let reply = handle.reply_within(REPLY_WAIT).await.ok();
        let ack = handle.ack_latency();
        let rejected = !handle.rejections().is_empty();
        self.advance(kind, reply, handle);
        Some((kind, ack, rejected))
    }

    fn send(&mut self, sim: &Simulator) -> (Kind, Result<InteractionHandle, SimError>) {
        let user = self.who.user;
        let click = |message: &Option<SimMessage>, pick: &dyn Fn(&SimMessage) -> Option<String>| {
            let message = message.as_ref().ok_or(SimError::NoSuchMessage(0))?;
            let custom_id = pick(message).ok_or(SimError::NoSuchComponent(String::new()))?;
            sim.click(user, message.id, &custom_id)
        };
        match self.step {
            Step::Today => (Kind::Today, sim.slash(self.actor(), "today", &[])),
            Step::StartQuiz => {
                self.look_for_nudge(sim);
                match &self.nudge {
                    Some(nudge) => (Kind::QuizMe, sim.click(user, nudge.id, &nudge.quiz_me)),
                    None => (Kind::Quiz, sim.slash(self.actor(), "quiz", &[])),
                }
            }
            Step::Answer => (
                Kind::Answer,
                click(&self.message, &|m| Some(m.button("A")?.custom_id)),
            ),
            Step::Confidence => (
                Kind::Confidence,
                click(&self.message, &|m| {
                    m.buttons()
                        .into_iter()
                        .find(|b| b.label.starts_with("3 ·"))
                        .map(|b| b.custom_id)
                }),
            ),
            Step::Tried => {
                self.look_for_nudge(sim);
                match &self.nudge {
                    Some(nudge) => (Kind::Tried, sim.click(user, nudge.id, &nudge.tried)),
                    None => {
                        self.step = Step::Progress;
                        self.send(sim)
                    }
                }
            }
            Step::Progress => (Kind::Progress, sim.slash(self.actor(), "progress", &[])),
            Step::Reflect => (Kind::Reflect, sim.slash(self.actor(), "reflect", &[])),
            Step::Consent => (
                Kind::Consent,
                click(&self.message, &|m| {
                    Some(m.button("I understand, continue")?.custom_id)
                }),
            ),
            Step::Submit => match &self.form {
                Some(form) => (
                    Kind::Submit,
                    sim.submit_modal(form, &[("text", REFLECTION)]),
                ),
                None => (Kind::Submit, Err(SimError::NotAModal)),
            },
        }
    }

    fn advance(&mut self, kind: Kind, reply: Option<Reply>, handle: InteractionHandle) {
        let message = reply.as_ref().and_then(Reply::as_message).cloned();
        let has = |label: &str| message.as_ref().is_some_and(|m| m.button(label).is_some());
        self.step = match kind {
            Kind::Today => Step::StartQuiz,
            Kind::QuizMe | Kind::Quiz if has("A") => Step::Answer,
            Kind::QuizMe | Kind::Quiz => Step::Tried,
            Kind::Answer
                if message
                    .as_ref()
                    .is_some_and(|m| m.buttons().iter().any(|b| b.label.starts_with("3 ·"))) =>
            {
                Step::Confidence
            }
            Kind::Answer | Kind::Confidence => Step::Tried,
            Kind::Tried => Step::Progress,
            Kind::Progress => Step::Reflect,
            Kind::Reflect | Kind::Consent if matches!(reply, Some(Reply::Modal(_))) => {
                self.form = Some(handle);
                Step::Submit
            }
            Kind::Reflect if has("I understand, continue") => Step::Consent,
            Kind::Reflect | Kind::Consent | Kind::Submit => Step::Today,
        };
        self.message = message;
    }

    fn restart(&mut self) {
        self.step = Step::Today;
        self.message = None;
        self.form = None;
    }
}
