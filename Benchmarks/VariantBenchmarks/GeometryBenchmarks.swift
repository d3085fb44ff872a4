import Benchmark
import CloudinaryTransform

/// Resolving the crop/resize geometry of the typical strings against a 4000×3000 source, as
/// stored upright and with EXIF orientation 6: pure arithmetic, no pixels, so no libvips peer.
func geometryBenchmarks() {
    let parsed = typicalTransformations.map { try! Transformation(parsing: $0) }
    let source = Size(4000, 3000)
    Benchmark("geometry: resolve (typical strings, 4000x3000, orientations 1 and 6)",
              configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal], scalingFactor: .kilo,
                                   maxDuration: .seconds(3))) { benchmark in
        var i = 0
        for _ in benchmark.scaledIterations {
            let orientation = (i / parsed.count) & 1 == 0 ? 1 : 6
            blackHole(try parsed[i % parsed.count].geometry(source: source, orientation: orientation))
            i &+= 1
        }
    }
}
