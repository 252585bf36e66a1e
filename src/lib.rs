//! ecslint finds, explains and fixes the IAM mistakes that stop Amazon ECS tasks from reading
//! their secrets.
//!
//! The data flows one way: load → model → needs → evaluate → explain → findings → report
//! (see DESIGN.md). `check` runs the whole line on files.

pub mod arn;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod defects;
pub mod denial;
pub mod deploy;
pub mod explain;
pub mod fix;
#[doc(hidden)]
pub mod fuzzing;
pub mod iam;
pub mod json;
pub mod load;
pub mod model;
pub mod needs;
mod parallel;
pub mod report;
pub mod rules;

pub use commands::check::{CheckOptions, Checked, check};
