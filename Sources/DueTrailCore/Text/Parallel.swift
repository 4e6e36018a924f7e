import Foundation

/// Pure work spread over every core, results in input order. Large ledgers (100,000 cases)
/// are read, parsed and rendered with this; small ones stay on the calling thread.
package enum Parallel {
    /// `[transform(0), …, transform(count - 1)]`, computed in contiguous chunks, one per core,
    /// when there are at least `minimum` items per chunk.
    package static func map<T: Sendable>(count: Int, minimum: Int = 1000, _ transform: @Sendable (Int) -> T) -> [T] {
        map(count: count, minimum: minimum, context: {}) { _, i in transform(i) }
    }

    /// The same, with a `context` each chunk makes for itself before its first item (a
    /// repository handle: libgit2 handles are not shared between threads). Results are written
    /// straight into the output, never gathered and copied.
    package static func map<T: Sendable, Context>(
        count: Int, minimum: Int = 1000, context: @Sendable () -> Context, _ transform: @Sendable (inout Context, Int) -> T
    ) -> [T] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / max(minimum, 1)), 16)
        guard workers > 1 else {
            var c = context()
            return (0..<count).map { transform(&c, $0) }
        }
        // A few chunks per core, so a core that finishes early takes another.
        let pieces = min(count, workers * 4)
        let chunk = (count + pieces - 1) / pieces
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base)
            DispatchQueue.concurrentPerform(iterations: pieces) { w in
                let range = min(w * chunk, count)..<min((w + 1) * chunk, count)
                guard !range.isEmpty else { return }
                var c = context()
                for i in range { (slots.base + i).initialize(to: transform(&c, i)) }
            }
            initialized = count
        }
    }

    /// The chunks `0..<count` is cut into, one per core (one chunk when it is small).
    package static func chunks(count: Int, minimum: Int = 1000) -> [Range<Int>] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / max(minimum, 1)), 16)
        let chunk = (count + workers - 1) / max(workers, 1)
        return (0..<workers).map { min($0 * chunk, count)..<min(($0 + 1) * chunk, count) }
    }

    /// Each worker writes only its own indices of the buffer.
    private final class Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
        init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    }
}
