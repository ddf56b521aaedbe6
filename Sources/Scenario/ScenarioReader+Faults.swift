import Facility
import Report
import ScenarioFormat
import Serving
import SimKernel
import Twin

extension ScenarioReader {
    /// A fault names its component by path: 'feed-a', 'ups-b', 'hall1/crah-2', 'hall1/chiller',
    /// 'hall1/cdu-1', 'hall1/r03' (rear door), 'hall1/r03/pdu-a', 'hall1/r03/n2',
    /// 'hall1/r03/n2/psu-b', 'chat/instance-0'. Cooling units count from 1, instances from 0.
    mutating func readFault(_ item: YAMLNode, workloads: [PlacedWorkloadSpec], duration: SimDuration) -> PlannedFault? {
        let kind = item.string("kind")!
        let componentNode = item["component"]!
        let component = componentNode.stringValue
        let at = SimTime.at(item.duration("at")!)
        let parts = component.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        typealias Action = PlannedFault.Action

        func side(_ text: String, prefix: String) -> FeedSide? {
            text == "\(prefix)-a" ? .a : text == "\(prefix)-b" ? .b : nil
        }
        func hall(_ name: String) -> HallIndex? { halls.first { $0.name == name } }
        func rack(_ hallName: String, _ rackName: String) -> Int? { hall(hallName)?.racks[rackName] }
        func node(_ parts: [String]) -> Int? {
            guard parts.count >= 3, let rack = rack(parts[0], parts[1]), let slot = rackNodeNames[rack].firstIndex(of: parts[2]) else { return nil }
            return rackNodes[rack][slot]
        }
        func unit(_ text: String, prefix: String, count: Int) -> Int? {
            guard text.hasPrefix(prefix + "-"), let number = Int(text.dropFirst(prefix.count + 1)), (1 ... count).contains(number) else { return nil }
            return number - 1
        }

        var pair: (Action, Action?)?
        var expected = ""
        switch kind {
        case "utility_loss", "generator_fails_to_start":
            expected = "'feed-a' or 'feed-b'"
            if parts.count == 1, let feed = side(parts[0], prefix: "feed") {
                pair = kind == "utility_loss" ? (.facility(.utilityLoss(feed)), .facility(.utilityRestore(feed)))
                    : (.facility(.generatorFailsToStart(feed)), nil)
            }
        case "ups_failure", "ups_failure_without_bypass", "ups_module_failure":
            expected = "'ups-a' or 'ups-b'"
            if parts.count == 1, let feed = side(parts[0], prefix: "ups") {
                pair = kind == "ups_module_failure" ? (.facility(.upsModuleFailure(feed)), .facility(.upsModuleRepair(feed)))
                    : (.facility(.upsFailure(feed, toBypass: kind == "ups_failure")), .facility(.upsRepair(feed)))
            }
        case "cooling_unit_failure", "coolant_unit_failure", "chiller_failure":
            let liquid = kind == "coolant_unit_failure"
            expected = kind == "chiller_failure" ? "'<hall>/chiller'" : liquid ? "'<hall>/cdu-<n>' with n from 1" : "'<hall>/crah-<n>' with n from 1"
            if parts.count == 2, let hall = hall(parts[0]) {
                if kind == "chiller_failure", parts[1] == "chiller" {
                    pair = (.facility(.chillerFailure(zone: hall.zone)), .facility(.chillerRepair(zone: hall.zone)))
                } else if !liquid, let unit = unit(parts[1], prefix: "crah", count: hall.units) {
                    pair = (.facility(.coolingUnitFailure(zone: hall.zone, unit: unit)), .facility(.coolingUnitRepair(zone: hall.zone, unit: unit)))
                } else if liquid, let loop = hall.coolantLoop, let unit = unit(parts[1], prefix: "cdu", count: hall.liquidUnits) {
                    pair = (.facility(.coolantUnitFailure(loop: loop, unit: unit)), .facility(.coolantUnitRepair(loop: loop, unit: unit)))
                }
            }
        case "rear_door_failure":
            expected = "'<hall>/<rack>' of a rack with a rear door"
            if parts.count == 2, let rack = rack(parts[0], parts[1]), rackHasRearDoor[rack] {
                pair = (.facility(.rearDoorFailure(rack: rack)), .facility(.rearDoorRepair(rack: rack)))
            }
        case "breaker_trip":
            expected = "'<hall>/<rack>/pdu-a' or '<hall>/<rack>/pdu-b'"
            if parts.count == 3, let rack = rack(parts[0], parts[1]), let feed = side(parts[2], prefix: "pdu") {
                pair = (.facility(.breakerTrip(rack: rack, feed)), .facility(.breakerReset(rack: rack, feed)))
            }
        case "supply_failure":
            expected = "'<hall>/<rack>/<node>/psu-a' or '.../psu-b'"
            if parts.count == 4, let node = node(parts), let feed = side(parts[3], prefix: "psu") {
                pair = (.facility(.supplyFailure(node: node, feed)), .facility(.supplyRepair(node: node, feed)))
            }
        case "node_failure":
            expected = "'<hall>/<rack>/<node>'"
            if parts.count == 3, let node = node(parts) {
                pair = (.facility(.nodeFailure(node: node)), .facility(.nodeRepair(node: node)))
            }
        default:  // instance_failure
            expected = "'<workload>/instance-<n>' with n from 0 ('prefill-<n>' or 'decode-<n>' when disaggregated)"
            if parts.count == 2, let workload = workloads.firstIndex(where: { $0.served.workload.name == parts[0] }) {
                let served = workloads[workload].served
                // (prefix, first index in the router's order, count)
                let pools = served.decodePool.map { [("prefill-", 0, served.pool.count), ("decode-", served.pool.count, $0.count)] }
                    ?? [("instance-", 0, served.pool.count)]
                for (prefix, first, count) in pools where parts[1].hasPrefix(prefix) {
                    if let local = Int(parts[1].dropFirst(prefix.count)), (0 ..< count).contains(local) {
                        pair = (.instance(.instanceFailed, workload: workload, instance: first + local),
                                .instance(.instanceRestored, workload: workload, instance: first + local))
                    }
                }
            }
        }
        guard let pair else {
            error(componentNode, "no component '\(component)' can have \("aeiou".contains(kind.first!) ? "an" : "a") \(kind)", value: component, expected: expected)
            return nil
        }
        if at >= .at(duration) {
            diagnostics.append(.warning(at: item["at"]!, "the fault at \(at.sinceStart) is at or after the end of the run (\(duration)): it never happens"))
        }
        let repairAfter = item.duration("duration")
        let repairs = pair.1.flatMap { repair in repairAfter.map { _ in [repair] } } ?? []
        if repairAfter != nil && pair.1 == nil {
            diagnostics.append(.warning(at: item["duration"]!, "a \(kind) has no repair: its duration is ignored"))
        }
        return PlannedFault(
            at: at, actions: [pair.0], repairs: repairs,
            record: FaultRecord(atSeconds: at.seconds, component: component, kind: kind,
                                clearedAtSeconds: repairs.isEmpty ? nil : (at + repairAfter!).seconds))
    }
}
