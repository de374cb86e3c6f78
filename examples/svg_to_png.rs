//! Renders an SVG written by `housecall plan --format svg` to PNG with resvg, with the
//! machine's fonts: `cargo run --example svg_to_png -- day.svg day.png`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: svg_to_png IN.svg OUT.png");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input).expect("the SVG is readable");
    let mut opt = resvg::usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    let tree = resvg::usvg::Tree::from_str(&text, &opt).expect("a valid SVG");
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a non-empty picture");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.save_png(output).expect("the PNG is written");
}
