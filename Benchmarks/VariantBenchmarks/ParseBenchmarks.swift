import Benchmark
import CloudinaryTransform

/// Typical strings a sync tool checks: 1–3 components of 3–6 parameters.
let typicalTransformations: [String] = [
    "c_fill,g_auto,h_450,w_800/f_auto,q_auto",
    "ar_16:9,c_fill,g_auto:faces,w_1200/f_auto,q_auto:good",
    "c_crop,h_1200,w_1600,x_240,y_80/c_scale,w_800/f_webp,q_80",
    "c_thumb,g_face,h_150,w_150,z_0.75/r_max/f_png",
    "c_pad,b_rgb:f4f4f4,h_400,w_400/e_sharpen:80,q_auto:eco",
    "c_limit,dpr_2.0,h_600,w_600/f_auto,fl_progressive,q_auto",
    "b_white,c_lpad,h_300,w_1000/bo_2px_solid_black,f_jpg,q_75",
    "c_fill,g_north_east,h_250,w_250,x_20,y_10/e_grayscale,o_80",
    "a_90,c_scale,w_0.5/c_crop,g_center,h_0.8,w_0.8/f_avif,q_60",
    "c_fill_pad,g_auto,h_675,w_1200/f_auto,q_auto:best",
]

/// Parse + validate + canonicalise, the bound: 500,000 typical strings per second on one core.
func parseBenchmarks() {
    Benchmark("parse + validate + canonicalise (typical strings)",
              configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal], scalingFactor: .kilo,
                                   maxDuration: .seconds(5))) { benchmark in
        var i = 0
        for _ in benchmark.scaledIterations {
            let result = Transformation.parse(typicalTransformations[i % typicalTransformations.count])
            blackHole(result.canonical)
            i &+= 1
        }
    }
}
