fn main() {
    eprintln!("terraform-provider-baidu: not wired yet");
    std::process::exit(1);
}
