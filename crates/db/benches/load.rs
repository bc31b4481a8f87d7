//! Loading cost of a large database: 100,000 TCP signatures under 100,000 labels (20,000 names)
//! (a few option layouts, distinct MSS/window/scale values), and the same with two
//! duplicates appended, which must be refused with both errors. Loading is linear in the
//! number of signatures (the duplicate checks go through a load-time index); run with
//! `cargo bench -p p0fmod-db --bench load`.

use std::fmt::Write;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use p0fmod_db::Database;

/// Number of signatures in the generated database.
const SIGNATURES: usize = 100_000;

/// A database of `SIGNATURES` distinct TCP signatures, each under its own label.
fn large_db() -> String {
    const LAYOUTS: [&str; 4] = [
        "mss,sok,ts,nop,ws",
        "mss,nop,ws,nop,nop,ts,sok,eol+1",
        "mss,nop,nop,sok,nop,ws",
        "mss,nop,nop,ts,nop,ws",
    ];
    let mut text = String::from("classes = win,unix,other\n\n[tcp:request]\n\n");
    for i in 0..SIGNATURES {
        let layout = LAYOUTS[i % LAYOUTS.len()];
        let mss = 100 + i / 4 % 60_000;
        let ws = i / 4 / 60_000;
        let win = 1 + i % 997;
        writeln!(text, "label = s:unix:Gen{}:v{i}", i % 20_000).unwrap();
        writeln!(text, "sig   = 4:64:0:{mss}:{win},{ws}:{layout}:df,id+:0\n").unwrap();
    }
    text
}

fn load(c: &mut Criterion) {
    let text = large_db();
    // Two copies of the first signatures at the end: refused, with both errors listed.
    let mut with_dups = text.clone();
    with_dups.push_str("label = s:unix:Dup:1\nsig = 4:64:0:100:1,0:mss,sok,ts,nop,ws:df,id+:0\n");
    with_dups.push_str(
        "label = s:unix:Dup:2\nsig = 4:64:0:100:2,0:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0\n",
    );

    let start = Instant::now();
    let db = Database::parse(&text, "gen").expect("the generated database loads");
    assert_eq!(db.signature_count as usize, SIGNATURES);
    eprintln!("one load of {SIGNATURES} signatures: {:?}", start.elapsed());
    let start = Instant::now();
    let errors = Database::parse(&with_dups, "gen").expect_err("duplicates are refused");
    assert_eq!(errors.0.len(), 2, "{errors}");
    eprintln!("one refusal with two duplicates: {:?}", start.elapsed());

    let mut group = c.benchmark_group("db_load");
    group.sample_size(10);
    group.bench_function("100k_tcp_signatures", |b| {
        b.iter(|| Database::parse(black_box(&text), "gen").map(|db| db.signature_count))
    });
    group.bench_function("100k_tcp_signatures_two_duplicates", |b| {
        b.iter(|| Database::parse(black_box(&with_dups), "gen").map_err(|e| e.0.len()))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
