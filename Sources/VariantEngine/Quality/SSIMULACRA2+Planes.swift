extension SSIMULACRA2 {
    /// Planar `Float` images in one allocation, owned by this object and freed with it.
    ///
    /// Every plane has room for the largest size it was created with (plus SIMD padding), so
    /// the smaller scales reuse the memory: ``resize(width:height:)`` only changes the row
    /// stride, which is always `width` (rows are contiguous).
    final class Planes {
        /// Values a plane can hold; a multiple of the SIMD width with one spare vector.
        let planeCapacity: Int
        let count: Int
        private(set) var width: Int
        private(set) var height: Int
        let storage: UnsafeMutablePointer<Float>

        init(count: Int, width: Int, height: Int) {
            self.count = count
            self.width = width
            self.height = height
            planeCapacity = (width * height + 15) / 8 * 8 + 8
            storage = .allocate(capacity: count * planeCapacity)
            // Every stage writes the pixels it later reads; only the padding past the last
            // pixel, which the eight-wide loops read, is cleared here (clearing all of it was a
            // pass over every plane for nothing).
            let used = width * height
            for index in 0..<count {
                (storage + index * planeCapacity + used).initialize(repeating: 0, count: planeCapacity - used)
            }
        }

        deinit { storage.deallocate() }

        @inline(__always) func plane(_ index: Int) -> UnsafeMutablePointer<Float> {
            storage + index * planeCapacity
        }

        func resize(width: Int, height: Int) {
            precondition(width * height <= planeCapacity, "planes only shrink")
            self.width = width
            self.height = height
        }
    }
}
