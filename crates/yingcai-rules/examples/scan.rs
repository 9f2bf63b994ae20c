//! The parsing floor: read the file in 4 MiB blocks and count lines and commas,
//! single-threaded. `scan FILE`
use std::io::Read;

fn main() {
    let path = std::env::args().nth(1).expect("scan FILE");
    let mut f = std::fs::File::open(&path).expect("open");
    let mut buf = vec![0u8; 4 << 20];
    let (mut lines, mut commas, mut bytes) = (0u64, 0u64, 0u64);
    loop {
        let n = f.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        bytes += n as u64;
        for &b in &buf[..n] {
            lines += (b == b'\n') as u64;
            commas += (b == b',') as u64;
        }
    }
    println!("{{\"bytes\":{bytes},\"lines\":{lines},\"commas\":{commas}}}");
}
