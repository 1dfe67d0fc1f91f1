//! The integration suite: reference data (oracles, golden wordings, the Kursk report),
//! hand-checked reconciler cases, bad input, files and properties.

mod architecture;
mod bad_input;
#[cfg(feature = "cli")]
mod cli;
mod constraints;
mod differential;
mod files;
mod hostile;
mod kursk;
mod oracles;
mod properties;
mod real_cases;
mod reconcile_cases;
mod reliability;
mod render;
mod table;
mod time;
mod vocabulary;
mod wordings;
