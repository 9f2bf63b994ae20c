//! HTTP tests: the whole app on a free port (SQLite, or PostgreSQL with TEST_DATABASE_URL).
//!
//! - `accounts`: sign-up, sign-in, passwords, admin account management
//! - `security`: CSRF, throttling, sessions, escaping, bad input
//! - `authz`: every protected route as every role and as a stranger
//! - `cases`: the service teams' case desk: life cycle, notes, transfers, API twins, teams
//! - `competitions`: open competitions' needs and lists: life cycle, bid window, who
//!   sees what, public pages and search, API twins
//! - `bids`: sealed bids: nobody reads one before the deadline (pages, API, database,
//!   file store), the opening job and the formal check, field errors
//! - `figures`: service teams' figures for officers (page, workbook), the public dashboard
//!   (totals only) and the API twin
//! - `deadlines`: answer-by dates in working days: apartment offers, requests for documents
//! - `demo`: the demo data of `serve --demo` (the case desk's hundreds of cases)
//! - `notifications`: what the desk tells requesters and teams (site, API, e-mail), the
//!   case-clocks job's warnings and breaches, the supervising office's overdue list
//! - `api`: the JSON API and its OpenAPI document
//! - `api_housing`: the housing pages' API twins: inventory and its import, rounds, ballots,
//!   the run, offers, leases and occupancy, and the public round
//! - `api_payments`: the payments pages' API twins: runs, approval, bank files, settlement,
//!   lines, reports, receivables and repayments
//! - `site`: languages, health checks, assets, two servers on one database
//! - `forms`: forms read into their input structs (typed fields, repeated fields, tokens)
//! - `hostile`: random and extreme values in every page's path and query, and public forms
//! - `operations`: the scheduler's jobs and the audit checkpoints, for administrators
//! - `teams`: the teams a fresh site starts with, and officers moving an enterprise to
//!   another team (page and API)
//!
//! New page tests go into the module of their area; a new page route is picked up by
//! `authz.rs` and `hostile.rs` from the site's route table.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod accounts;
mod api;
mod api_benefits;
mod api_housing;
mod api_payments;
mod api_policy;
mod api_registry;
mod authz;
mod bids;
mod case_files;
mod cases;
mod competitions;
mod deadlines;
mod demo;
mod figures;
mod forms;
mod hostile;
mod housing;
mod notifications;
mod operations;
mod policy;
mod registry;
mod security;
mod site;
mod teams;
