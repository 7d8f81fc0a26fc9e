fn main() {
    eprintln!("baidu-vpc-emulator: not wired yet");
    std::process::exit(1);
}
