//! Mimics the `yingcai policy` CLI over the library, for timing:
//!
//! ```text
//! policy evaluate --talents F --month 2026-11 [--pack DIR] [--out F.csv] [--reform DIR] [--threads N]
//! policy forecast --talents F --from 2026-12 --months 60 [--pack DIR] [--reform DIR] [--threads N]
//! policy test DIR [--pack DIR]
//! ```
//! A pack DIR holds `pack.toml`. The default pack is `packs/shijiazhuang-green-card`.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;
use yingcai_rules::{CompiledPack, time::Month};

fn load_pack(dir: &str) -> Result<CompiledPack, String> {
    let path = format!("{dir}/pack.toml");
    let src = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    CompiledPack::load(&path, &src).map_err(|e| e.to_string())
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().cloned().unwrap_or_default();
    let mut opts = HashMap::new();
    let mut positional = Vec::new();
    let mut i = 1;
    while i < args.len() {
        if let Some(k) = args[i].strip_prefix("--") {
            let v = args.get(i + 1).ok_or(format!("--{k} needs a value"))?;
            opts.insert(k.to_string(), v.clone());
            i += 2;
        } else {
            positional.push(args[i].clone());
            i += 1;
        }
    }
    let default_pack = concat!(env!("CARGO_MANIFEST_DIR"), "/packs/shijiazhuang-green-card");
    let pack = load_pack(opts.get("pack").map_or(default_pack, |s| s.as_str()))?;
    let reform = opts.get("reform").map(|d| load_pack(d)).transpose()?;
    let month = |k: &str| -> Result<Month, String> {
        opts.get(k)
            .ok_or(format!("--{k} is required"))?
            .parse()
            .map_err(|e| format!("--{k}: {e}"))
    };
    let threads: usize = opts
        .get("threads")
        .map_or(Ok(0), |t| t.parse())
        .map_err(|e| format!("--threads: {e}"))?;
    let talents = || -> Result<File, String> {
        let p = opts.get("talents").ok_or("--talents is required")?;
        File::open(p).map_err(|e| format!("{p}: {e}"))
    };
    let json = |v: &dyn erased::Json| v.json();
    match cmd.as_str() {
        "evaluate" => {
            let m = month("month")?;
            if let Some(r) = &reform {
                let s = yingcai_rules::evaluate_population_reform(&pack, r, talents()?, m)
                    .map_err(|e| e.to_string())?;
                return Ok(json(&s));
            }
            let mut out = match opts.get("out") {
                Some(p) => Some(BufWriter::with_capacity(
                    1 << 20,
                    File::create(p).map_err(|e| format!("{p}: {e}"))?,
                )),
                None => None,
            };
            let s = if threads > 0 {
                yingcai_rules::evaluate_population_with(&pack, talents()?, m, out.as_mut(), threads)
            } else {
                yingcai_rules::evaluate_population(&pack, talents()?, m, out.as_mut())
            }
            .map_err(|e| e.to_string())?;
            Ok(json(&s))
        }
        "forecast" => {
            let from = month("from")?;
            let n: u32 = opts
                .get("months")
                .ok_or("--months is required")?
                .parse()
                .map_err(|e| format!("--months: {e}"))?;
            if let Some(r) = &reform {
                let s = yingcai_rules::forecast_population_reform(&pack, r, talents()?, from, n)
                    .map_err(|e| e.to_string())?;
                return Ok(json(&s));
            }
            let s = if threads > 0 {
                yingcai_rules::forecast_population_with(&pack, talents()?, from, n, threads)
            } else {
                yingcai_rules::forecast_population(&pack, talents()?, from, n)
            }
            .map_err(|e| e.to_string())?;
            Ok(json(&s))
        }
        "test" => {
            let dir = positional.first().ok_or("policy test DIR")?;
            let mut files = Vec::new();
            let mut names: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| format!("{dir}: {e}"))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            names.sort();
            for p in names {
                let s = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                files.push((p.display().to_string(), s));
            }
            let report = yingcai_rules::run_scenarios(&pack, &files).map_err(|e| e.to_string())?;
            let text = report.to_string();
            if report.failed() > 0 {
                return Err(text);
            }
            Ok(text)
        }
        _ => Err("usage: policy evaluate|forecast|test ...".into()),
    }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serialisable")
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
