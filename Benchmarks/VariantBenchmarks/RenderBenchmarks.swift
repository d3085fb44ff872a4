import Benchmark
import CloudinaryTransform
import VariantEngine
import VipsCore

/// Rendering a 12 MP JPEG to a 1200-px c_fill variant, next to libvips's own thumbnail to the
/// same size (what `vips thumbnail` does): the bound is 1.2× the peer.
func renderBenchmarks() {
    let source = Fixtures.twelveMegapixelJPEG
    let fill = try! Transformation(parsing: "c_fill,g_center,w_1200,h_675")
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                         maxDuration: .seconds(10), maxIterations: 30)

    Benchmark("render 12MP JPEG c_fill w_1200 (ours)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: fill, defaultFormat: .jpeg))
            blackHole(result.bytes)
        }
    }

    Benchmark("render 12MP JPEG thumbnail 1200x675 (peer: vips_thumbnail)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let image = try Image.thumbnail(path: source, width: 1200, options: ThumbnailOptions(height: 675, crop: .centre))
            blackHole(try image.encoded(as: .jpeg(JPEGOptions())).count)
        }
    }
}
