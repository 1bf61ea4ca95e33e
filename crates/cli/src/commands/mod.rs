//! One module per `pathforge` subcommand: its clap arguments and what it runs. `main.rs`
//! holds the command line's top level and the small commands that need no module.

mod audit;
mod bundle;
mod export;
mod graph;
mod merge;
mod review;
mod rules;
mod simulate;
mod sync;
mod tag;
mod taxonomy;
mod track;
mod watch;

pub(crate) use audit::*;
pub(crate) use bundle::*;
pub(crate) use export::*;
pub(crate) use graph::*;
pub(crate) use merge::*;
pub(crate) use review::*;
pub(crate) use rules::*;
pub(crate) use simulate::*;
pub(crate) use sync::*;
pub(crate) use tag::*;
pub(crate) use taxonomy::*;
pub(crate) use track::*;
pub(crate) use watch::*;
