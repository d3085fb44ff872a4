import Benchmark
import VariantEngine
import VipsCore

/// Smart crops for the six campaign ratios (16:9, 4:5, 1:1, 9:16, 3:1, 2:3) of one photo with
/// faces, next to the peer: libvips's attention smart crop, one `vips_thumbnail` with
/// crop=attention per ratio, each to that ratio's largest window (so nothing is shrunk and the
/// windows match ours). Ours decodes once for all six; the peer decodes the file six times.
func cropBenchmarks() {
    let photo = Fixtures.testImage("people-couple-bar.jpg")
    let ratios = AspectRatio.campaignDefaults
    let windows = ratios.map { $0.largestWindow(inWidth: 800, height: 600) }
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                         maxDuration: .seconds(6), maxIterations: 20)

    Benchmark("crop 6 ratios people-couple-bar.jpg, analysis included (ours)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let analysis = try ImageAnalysis.analyze(path: photo)
            blackHole(SmartCropper().crops(analysis, aspectRatios: ratios))
        }
    }

    Benchmark("crop 6 ratios people-couple-bar.jpg, from a ready analysis (ours)", configuration: config) { benchmark, analysis in
        for _ in benchmark.scaledIterations {
            blackHole(SmartCropper().crops(analysis, aspectRatios: ratios))
        }
    } setup: {
        try ImageAnalysis.analyze(path: photo)
    }

    Benchmark("crop 6 ratios people-couple-bar.jpg (peer: vips_thumbnail crop=attention x6)", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            for window in windows {
                // The attention search runs when the operation is built; the crop's own pixels
                // are not encoded, as ours produces rectangles only.
                let image = try Image.thumbnail(path: photo, width: window.width,
                                                options: ThumbnailOptions(height: window.height, crop: .attention))
                blackHole(image.width)
            }
        }
    }
}
