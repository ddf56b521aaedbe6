import SimKernel
import Testing

/// A small world for the kernel's behaviour: every component records what it receives and
/// obeys commands carried in the message.
enum Command {
    case note(String)
    case forward(String, to: ComponentID, after: SimDuration)
    case armTimer(String, after: SimDuration)
    case cancelTimer
    case stopRun
    case ping(remaining: Int)
}

struct Recorder: Component {
    var received: [String] = []
    var timer: EventHandle?
    var peer: ComponentID?
    var lastCancelSucceeded: Bool?

    mutating func handle(_ message: Command, context: inout SimContext<Command>) {
        switch message {
        case .note(let text):
            received.append("\(context.now) \(text)")
        case .forward(let text, let target, let delay):
            context.send(.note(text), to: target, after: delay)
        case .armTimer(let text, let delay):
            timer = context.setTimer(.note(text), after: delay)
        case .cancelTimer:
            lastCancelSucceeded = timer.map { context.cancel($0) }
        case .stopRun:
            received.append("\(context.now) stop")
            context.stop()
        case .ping(let remaining):
            received.append("\(context.now) ping \(remaining)")
            if remaining > 0, let peer {
                context.send(.ping(remaining: remaining - 1), to: peer, after: .milliseconds(remaining))
            }
        }
    }
}

/// Records every delivery as one line, for golden comparisons.
struct LogObserver: EventObserver {
    var lines: [String] = []
    mutating func observe(time: SimTime, sequence: UInt64, target: ComponentID, message: borrowing Command) {
        lines.append("\(time) seq=\(sequence) to=\(target)")
    }
}

@Suite("Simulation")
struct SimulationTests {
    @Test("Events at the same time are delivered in the order they were scheduled")
    func fifoTies() {
        var simulation = Simulation<Recorder>(seed: 1)
        let id = simulation.add(Recorder())
        for index in 0 ..< 50 { simulation.schedule(.note("e\(index)"), to: id, at: .at(.seconds(1))) }
        simulation.runUntilIdle()
        #expect(simulation[id].received == (0 ..< 50).map { "00:00:01 e\($0)" })
    }

    @Test("run(until:) handles events at the end time, none after, and leaves the clock at the end")
    func runUntil() {
        var simulation = Simulation<Recorder>(seed: 1)
        let id = simulation.add(Recorder())
        simulation.schedule(.note("at end"), to: id, at: .at(.seconds(5)))
        simulation.schedule(.note("after end"), to: id, at: .at(.seconds(5) + .nanoseconds(1)))
        #expect(simulation.run(until: .at(.seconds(5))) == .reachedEndTime)
        #expect(simulation.now == .at(.seconds(5)))
        #expect(simulation[id].received == ["00:00:05 at end"])
        #expect(simulation.pendingEventCount == 1)
        #expect(simulation.run(until: .at(.seconds(60))) == .idle)
        #expect(simulation.now == .at(.seconds(60)), "an idle run still advances the clock to its end")
        #expect(simulation.eventsHandled == 2)
    }

    @Test("A cancelled timer is never delivered; cancelling a delivered one reports false")
    func timers() {
        var simulation = Simulation<Recorder>(seed: 1)
        let id = simulation.add(Recorder())
        simulation.schedule(.armTimer("timeout", after: .seconds(10)), to: id, at: .zero)
        simulation.schedule(.cancelTimer, to: id, at: .at(.seconds(3)))
        simulation.runUntilIdle()
        #expect(simulation[id].received.isEmpty)
        #expect(simulation[id].lastCancelSucceeded == true)
        #expect(simulation.eventsHandled == 2, "the cancelled timer is not counted")

        simulation.schedule(.armTimer("fires", after: .seconds(1)), to: id, at: .at(.seconds(4)))
        simulation.schedule(.cancelTimer, to: id, at: .at(.seconds(6)))
        simulation.runUntilIdle()
        #expect(simulation[id].received == ["00:00:05 fires"])
        #expect(simulation[id].lastCancelSucceeded == false)
    }

    @Test("stop() ends the run after the current event, and the next run resumes")
    func stopRequest() {
        var simulation = Simulation<Recorder>(seed: 1)
        let id = simulation.add(Recorder())
        simulation.schedule(.stopRun, to: id, at: .at(.seconds(1)))
        simulation.schedule(.note("later"), to: id, at: .at(.seconds(2)))
        #expect(simulation.runUntilIdle() == .stopRequested)
        #expect(simulation.now == .at(.seconds(1)))
        #expect(simulation.runUntilIdle() == .idle)
        #expect(simulation[id].received == ["00:00:01 stop", "00:00:02 later"])
    }

    @Test("stopWhen stops after the first event that makes the condition true")
    func stopCondition() {
        var simulation = Simulation<Recorder>(seed: 1)
        let id = simulation.add(Recorder())
        for second in 1 ... 10 { simulation.schedule(.note("\(second)"), to: id, at: .at(.seconds(second))) }
        let reason = simulation.run(until: .distantFuture) { $0[id].received.count == 3 }
        #expect(reason == .conditionMet)
        #expect(simulation.now == .at(.seconds(3)))
        #expect(simulation.runUntilIdle(maxEvents: 2) == .eventLimitReached)
        #expect(simulation.eventsHandled == 5)
    }

    @Test("Golden log: a ping-pong exchange delivers at hand-computed times and sequence numbers")
    func goldenPingPong() {
        var simulation = Simulation<Recorder>(seed: 7)
        // Identities are registration indices: ping is #0, pong #1, an idle bystander #2.
        let ping = simulation.add(Recorder(peer: ComponentID(1)))
        let pong = simulation.add(Recorder(peer: ping))
        simulation.add(Recorder())
        simulation.schedule(.ping(remaining: 3), to: pong, at: .at(.milliseconds(10)))
        var observer = LogObserver()
        simulation.run(until: .distantFuture, observer: &observer)
        // Each ping with n remaining is answered after n ms: 10, 10+3, 13+2, 15+1 ms.
        #expect(observer.lines == [
            "00:00:00.01 seq=0 to=#1",
            "00:00:00.013 seq=1 to=#0",
            "00:00:00.015 seq=2 to=#1",
            "00:00:00.016 seq=3 to=#0",
        ])
        #expect(simulation[pong].received == ["00:00:00.01 ping 3", "00:00:00.015 ping 1"])
        #expect(simulation[ping].received == ["00:00:00.013 ping 2", "00:00:00.016 ping 0"])
    }

    @Test("Messages between components arrive after exactly their delay")
    func forwarding() {
        var simulation = Simulation<Recorder>(seed: 1)
        let sender = simulation.add(Recorder())
        let receiver = simulation.add(Recorder())
        simulation.schedule(.forward("hello", to: receiver, after: .microseconds(1_500)), to: sender, at: .at(.seconds(2)))
        simulation.schedule(.forward("now", to: receiver, after: .zero), to: sender, at: .at(.seconds(3)))
        simulation.runUntilIdle()
        #expect(simulation[receiver].received == ["00:00:02.0015 hello", "00:00:03 now"])
    }

    @Test("Each component gets its own stream, derived from the seed and its identity")
    func componentStreams() {
        struct Drawer: Component {
            var random: RandomStream
            mutating func handle(_ message: Int, context: inout SimContext<Int>) {}
        }
        var simulation = Simulation<Drawer>(seed: 42)
        let a = simulation.add { _, random in Drawer(random: random) }
        let b = simulation.add { _, random in Drawer(random: random) }
        var streamA = simulation[a].random, streamB = simulation[b].random
        var expectedA = RandomStream(seed: 42, streamKey: 0), expectedB = RandomStream(seed: 42, streamKey: 1)
        #expect(streamA.next() == expectedA.next())
        #expect(streamB.next() == expectedB.next())
        #expect(streamA.next() != streamB.next())
    }
}
