import Benchmark
import CloudinaryTransform
import VariantEngine
import VipsCore

/// What `variant optimize IMAGE --transformation c_limit,w_600,h_600` does (level good: per format
/// the lowest quality reaching SSIMULACRA2 75, AVIF/WebP/JPEG/PNG allowed), next to what a fixed
/// `q_80` costs: the same variant rendered and encoded once as JPEG quality 80, no scoring.
func optimiseBenchmarks() {
    let photo = Fixtures.testImage("landscape-lake-boats.jpg")
    let variant = try! Transformation(parsing: "c_limit,w_600,h_600")
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                         maxDuration: .seconds(15), maxIterations: 5)

    Benchmark("optimise landscape-lake-boats.jpg c_limit w_600, q_auto:good (ours)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let pixels = try Renderer.renderPixels(RenderRequest(sourcePath: photo, transformation: variant))
            blackHole(try Optimizer.optimize(pixels.image, options: OptimizeOptions(level: .good)).bytes)
        }
    }

    Benchmark("optimise landscape-lake-boats.jpg c_limit w_600 (peer: one JPEG encode at q_80)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let pixels = try Renderer.renderPixels(RenderRequest(sourcePath: photo, transformation: variant))
            blackHole(try pixels.image.encoded(as: .jpeg(JPEGOptions(quality: 80))).count)
        }
    }
}
