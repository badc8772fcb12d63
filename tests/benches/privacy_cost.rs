//! What it costs to recover holder names and ID numbers from the public
//! statements: measures PBKDF2-HMAC-SHA256 on this machine against a raw
//! SHA-256 baseline in the same run, then applies the published GPU rate and
//! the guesswork estimates of docs/privacy.md.
//!
//! Run: `cargo bench --bench privacy_cost`

use std::hint::black_box;
use std::time::Instant;

use certsite_core::constants::{DEFAULT_ITERATIONS, MIN_ITERATIONS};
use sha2::Sha256;

/// hashcat 6.2.6 `-b -m 10900` on an RTX 4090: 8,865.7 kH/s at 1,000
/// iterations (Chick3nman's published benchmark), in PBKDF2 iterations/s.
const GPU_ITERATIONS_PER_S: f64 = 8_865_700.0 * 1000.0;
/// hashcat `-m 1400` (SHA-256) on the same card, compressions/s.
const GPU_SHA256_PER_S: f64 = 21_975.5e6;
const SECONDS_PER_YEAR: f64 = 365.25 * 24.0 * 3600.0;

/// Expected guesses per record (see docs/privacy.md): (what, low, central).
const GUESSWORK: [(&str, f64, f64); 3] = [
    (
        "full name, nothing shown (hard floor / central)",
        2.8e5,
        1.0e7,
    ),
    ("name with a one-character given name", 9.4e3, 2.4e4),
    (
        "ID number, last 2 shown (100 / 170 county codes)",
        1.15e7,
        1.95e7,
    ),
];

fn per_second(mut f: impl FnMut() -> u64) -> f64 {
    // Warm up, then time at least a second.
    f();
    let start = Instant::now();
    let mut work = 0u64;
    while start.elapsed().as_secs_f64() < 1.0 {
        work += f();
    }
    work as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let blocks = [[7u8; 64]; 1024];
    let mut state = [0u32; 8];
    let sha_rate = per_second(|| {
        sha2::block_api::compress256(&mut state, black_box(&blocks));
        blocks.len() as u64
    });
    let n = 200_000u32;
    let pbkdf2_rate = per_second(|| {
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(
            b"\xe5\xbc\xa0\xe4\xb8\x89",
            b"certsite:name:Y000021013002243000001",
            n,
            &mut out,
        );
        black_box(out);
        u64::from(n)
    });
    let ratio = sha_rate / pbkdf2_rate;
    // HMAC-SHA256 needs at least 2 compressions per PBKDF2 iteration (inner
    // and outer hash, pads precomputed): an attacker's optimal rate here.
    let optimal_cpu = sha_rate / 2.0;
    println!("## Measured on this machine (one core)\n");
    println!("| what | rate |");
    println!("| --- | --- |");
    println!(
        "| SHA-256 compressions (baseline) | {:.2} M/s |",
        sha_rate / 1e6
    );
    println!(
        "| PBKDF2-HMAC-SHA256 iterations (`pbkdf2` crate) | {:.2} M/s |",
        pbkdf2_rate / 1e6
    );
    println!("| baseline compressions per PBKDF2 iteration | {ratio:.2} (2 is the minimum) |");
    println!(
        "| attacker's optimal rate on this core (2 compressions/iteration) | {:.2} M/s |",
        optimal_cpu / 1e6
    );
    for it in [DEFAULT_ITERATIONS, MIN_ITERATIONS] {
        println!(
            "| one hash at {it} iterations | {:.0} ms (a certificate has two) |",
            f64::from(it) / pbkdf2_rate * 1e3
        );
    }
    println!(
        "\nOne RTX 4090 (published hashcat rate): {:.2e} PBKDF2 iterations/s = {:.0} such cores at the optimal rate \
         ({:.2} compressions/iteration from its published SHA-256 rate).\n",
        GPU_ITERATIONS_PER_S,
        GPU_ITERATIONS_PER_S / optimal_cpu,
        GPU_SHA256_PER_S / GPU_ITERATIONS_PER_S
    );
    println!(
        "| secret | guesses per record | GPU time per record at {DEFAULT_ITERATIONS} | per million records at {DEFAULT_ITERATIONS} | at {MIN_ITERATIONS} |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for (what, low, central) in GUESSWORK {
        let seconds = |g: f64, it: u32| g * f64::from(it) / GPU_ITERATIONS_PER_S;
        let million = |it: u32| {
            format!(
                "{} – {}",
                span(1e6 * seconds(low, it)),
                span(1e6 * seconds(central, it))
            )
        };
        println!(
            "| {what} | {low:.1e} – {central:.1e} | {:.1} – {:.0} s | {} | {} |",
            seconds(low, DEFAULT_ITERATIONS),
            seconds(central, DEFAULT_ITERATIONS),
            million(DEFAULT_ITERATIONS),
            million(MIN_ITERATIONS)
        );
    }
}

/// GPU time in the largest unit that keeps it readable.
fn span(seconds: f64) -> String {
    let days = seconds / 86_400.0;
    if days < 365.25 {
        format!("{days:.1} GPU-days")
    } else {
        format!("{:.1} GPU-years", seconds / SECONDS_PER_YEAR)
    }
}
