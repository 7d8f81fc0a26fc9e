// Placeholder until the protocol layer lands: compiles every .proto in proto/.
fn main() {}
