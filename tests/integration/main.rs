//! Integration tests of certsite, one module per area.

mod build_site;
mod chain_rules;
mod city_review;
mod cli_basics;
mod cli_output;
mod command_line;
mod core_lookup;
mod demo_data;
mod ed25519_edge;
mod layers;
mod log_commands;
mod log_independent;
mod log_tiles;
mod log_witness;
mod new_deployment;
mod print_certificates;
mod qr_codes;
mod readme;
mod serve_preview;
mod sign_inputs;
mod support;
mod vectors;
mod verdicts;
mod verdicts_review;
mod verdicts_signature;
mod verdicts_snapshot;
