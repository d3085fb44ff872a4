@testable import VariantEngine
import Testing

/// The report's summary line reads as a person would write it.
@Suite("Report wording")
struct ReportWordingTests {
    @Test("byte totals in kB under a tenth of a MB, counts with the right plural")
    func summaryWords() {
        #expect(ContactSheet.kilobytes(12_345) == "12.3 kB")  // a one-variant plan said "0.0 MB"
        #expect(ContactSheet.kilobytes(2_500_000) == "2.5 MB")
        #expect(Wording.counted(1, "error") == "1 error")
        #expect(Wording.counted(0, "error") == "0 errors")
        #expect(Wording.counted(2, "warning") == "2 warnings")
    }

    @Test("the summary says how the decisions were made, and a non-default AVIF effort")
    func decisionWords() {
        #expect(ContactSheet.decisionWords(PlanSettings(decisions: .fixedQuality, signed: false, asOf: nil))
                == "fixed quality per level, unscored")
        #expect(ContactSheet.decisionWords(PlanSettings(decisions: .optimize, signed: false, asOf: nil, avifEffort: 4))
                == "decided by SSIMULACRA2 search, AVIF effort 4")
    }
}
