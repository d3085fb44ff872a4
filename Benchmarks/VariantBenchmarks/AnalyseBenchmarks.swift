import Benchmark
import VariantEngine

/// The engine's one-decode analysis (faces, saliency, focal point, content class, dominant
/// colours) of a photo with two faces. No peer: libvips has no face detection.
func analyseBenchmarks() {
    let photo = Fixtures.testImage("people-couple-bar.jpg")
    Benchmark("analyse people-couple-bar.jpg (800x600, faces)",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                   maxDuration: .seconds(6), maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ImageAnalysis.analyze(path: photo))
        }
    }
}
