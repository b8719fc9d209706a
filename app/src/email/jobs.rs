//! Emails through the job queue: [`enqueue_email`] in the transaction that causes the
//! email, [`EmailJobs`] in the worker to send it.

use super::{EmailMessage, Mailer};
use crate::jobs::{enqueue, Job, JobError, JobHandler};
use sqlx::{Any, Transaction};

/// The `kind` of email jobs.
pub const EMAIL_JOB: &str = "email";

/// Queues `message` inside `tx`: it is sent after, and only if, `tx` commits.
pub async fn enqueue_email(
    tx: &mut Transaction<'_, Any>,
    message: &EmailMessage,
) -> Result<i64, sqlx::Error> {
    let payload = serde_json::to_string(message).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    enqueue(tx, EMAIL_JOB, &payload).await
}

/// Sends email jobs with a [`Mailer`]. A job's Message-ID is the same on every attempt
/// (see [`message_id`]), so a message resent after a crash is recognisably a duplicate.
#[derive(Debug, Clone)]
pub struct EmailJobs {
    mailer: Mailer,
}

impl EmailJobs {
    pub fn new(mailer: Mailer) -> EmailJobs {
        EmailJobs { mailer }
    }
}

#[async_trait::async_trait]
impl JobHandler for EmailJobs {
    fn kind(&self) -> &'static str {
        EMAIL_JOB
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let message: EmailMessage = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("email payload does not parse: {e}")))?;
        let id = message_id(job);
        match self.mailer.send(&message, &id).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(JobError::Permanent(error.to_string())),
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }
}

/// The left part of `job`'s Message-ID: `bazaar-job-{id}.{created_at}`.
pub fn message_id(job: &Job) -> String {
    format!("bazaar-job-{}.{}", job.id, job.created_at)
}

#[cfg(test)]
mod tests;
