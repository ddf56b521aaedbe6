public import ScenarioFormat

/// The dctwin scenario format, declared once: validation, the published JSON Schema
/// (`dctwin schema`, `topologies/schema.json`) and the reader all follow this declaration.
public enum ScenarioSchema {
    /// Limits that keep a scenario within what one run can hold.
    public static let maximumGPUs = 1_000_000
    public static let maximumDurationSeconds = 366.0 * 86_400
    public static let reservedWorkloadNames = ["facility", "failover", "cost", "workloads", "faults", "expectations"]

    public static let faultKinds = [
        "utility_loss", "generator_fails_to_start", "ups_failure", "ups_failure_without_bypass", "ups_module_failure",
        "breaker_trip", "supply_failure", "node_failure", "cooling_unit_failure", "chiller_failure", "coolant_unit_failure",
        "rear_door_failure", "instance_failure",
    ]

    static let precision = Schema.choice(["bf16", "fp8", "fp4"])

    static let tokenLength = Schema.anyOf([
        .integer(minimum: 1, maximum: 1_000_000, description: "A fixed number of tokens."),
        .object([
            .required("distribution", .choice(["fixed", "uniform", "lognormal", "empirical"])),
            .optional("value", .integer(minimum: 1, maximum: 1_000_000), "Tokens, for 'fixed'."),
            .optional("min", .integer(minimum: 1, maximum: 1_000_000), "Smallest length, for 'uniform'."),
            .optional("max", .integer(minimum: 1, maximum: 1_000_000), "Largest length: the range's top for 'uniform', the cap for 'lognormal'."),
            .optional("mean", .number(minimum: 1, maximum: 1_000_000), "Mean tokens, for 'lognormal'."),
            .optional("cv", .number(minimum: 0, maximum: 100), default: "1", "Coefficient of variation, for 'lognormal'."),
            .optional("values", .array(of: .integer(minimum: 1, maximum: 1_000_000), minItems: 1, maxItems: 1_000_000),
                      "Lengths drawn uniformly, for 'empirical'."),
        ]),
    ])

    static let catalogGPU = Schema.object([
        .required("name", .string()),
        .optional("like", .string(), "A catalogue GPU to start from; the other keys override it."),
        .optional("bf16_tflops", .number(minimum: 0.001, maximum: 1e6), "Dense BF16 TFLOP/s."),
        .optional("fp8_tflops", .number(minimum: 0.001, maximum: 1e6), "Dense FP8 TFLOP/s."),
        .optional("fp4_tflops", .number(minimum: 0.001, maximum: 1e6), "Dense FP4 TFLOP/s."),
        .optional("hbm", .quantity(.dataSize, .positive), "HBM capacity."),
        .optional("hbm_bandwidth", .quantity(.bandwidth, .positive)),
        .optional("nvlink_bandwidth", .quantity(.bandwidth, .positive), "Per GPU, both directions together."),
        .optional("tdp", .quantity(.power, .positive)),
        .optional("idle_power", .quantity(.power)),
        .optional("slowdown_temperature", .quantity(.temperature, .any)),
        .optional("shutdown_temperature", .quantity(.temperature, .any)),
    ])

    static let catalogNode = Schema.object([
        .required("name", .string()),
        .optional("like", .string(), "A catalogue node to start from; the other keys override it."),
        .optional("gpu", .string()),
        .optional("gpus", .integer(minimum: 1, maximum: 72)),
        .optional("nic_bandwidth", .quantity(.bandwidth, .positive), "One NIC per GPU."),
        .optional("power_supplies", .integer(minimum: 1, maximum: 64)),
        .optional("power_supply_rating", .quantity(.power, .positive)),
        .optional("power_supplies_required", .integer(minimum: 1, maximum: 64)),
        .optional("max_power", .quantity(.power, .positive)),
    ])

    static let catalogModel = Schema.object([
        .required("name", .string()),
        .required("like", .string(), "A catalogue model to start from; the other keys override it."),
        .optional("layers", .integer(minimum: 1, maximum: 1_000)),
        .optional("hidden_size", .integer(minimum: 1, maximum: 1_000_000)),
        .optional("heads", .integer(minimum: 1, maximum: 10_000)),
        .optional("kv_heads", .integer(minimum: 1, maximum: 10_000)),
        .optional("head_dim", .integer(minimum: 1, maximum: 10_000)),
        .optional("ffn_size", .integer(minimum: 1, maximum: 10_000_000)),
    ])

    static let cooling = Schema.object([
        .required("units", .integer(minimum: 1, maximum: 1_000), "Cooling units (CRAH or CDU heat exchangers)."),
        .required("unit_capacity", .quantity(.power, .positive), "Heat one unit can remove."),
        .optional("supply_temperature", .quantity(.temperature, .any), default: "20 C"),
        .optional("rise_at_capacity", .quantity(.temperatureDifference, .positive), default: "8.4 K",
                  "How far above supply the volume must be for a unit to remove its capacity (sets its conductance)."),
        .optional("chiller_cop", .number(minimum: 0.5, maximum: 100), default: "5"),
        .optional("allowable_inlet", .quantity(.temperature, .any), default: "32 C", "ASHRAE class A1 allowable maximum."),
        .optional("chilled_water_buffer", .quantity(.energy, .positive), "Cold stored behind the units; chiller failures ride on it."),
    ])

    static let rackGroup = Schema.object([
        .required("name", .nameTemplate(), "The racks' names: one name or a template like 'r{01..40}'."),
        .optional("count", .integer(minimum: 1, maximum: 1_000_000), "Must equal the number of names the template makes."),
        .optional("power_budget", .quantity(.power, .positive), default: "44 kW"),
        .optional("rear_door", .quantity(.power, .positive), "Capacity of a rear-door heat exchanger on each rack."),
        .optional("liquid_fraction", .quantity(.fraction, .positive),
                  "Share of node heat taken by direct liquid cooling (needs the hall's liquid_cooling)."),
        .optional("cording", .choice(["dual", "sts"]), default: "dual", "Node supplies on both feeds, or one cord behind a transfer switch."),
        .required("nodes", .object([
            .required("type", .string(), "A node type from the catalogue (`dctwin catalog nodes`)."),
            .required("count", .integer(minimum: 1, maximum: 64)),
            .optional("name", .nameTemplate(), default: "n{1..count}"),
        ])),
    ])

    static let hall = Schema.object([
        .required("name", .string(pattern: "[A-Za-z0-9_-]+")),
        .optional("initial_temperature", .quantity(.temperature, .any), default: "the cooling's supply temperature + 7 K"),
        .required("cooling", cooling, "Air cooling of the hall."),
        .optional("liquid_cooling", cooling, "A coolant loop for racks with a liquid_fraction."),
        .required("racks", .array(of: rackGroup, minItems: 1)),
    ])

    static let engine = Schema.object([
        .optional("profile", .choice(["trtllm-2025", "trtllm-mlperf-v4.0"]), default: "trtllm-2025"),
        .optional("max_sequences", .integer(minimum: 1, maximum: 100_000), default: "512"),
        .optional("token_budget", .integer(minimum: 1, maximum: 1_000_000), default: "2048"),
        .optional("admission", .choice(["guaranteed_no_evict", "optimistic"]), default: "guaranteed_no_evict"),
        .optional("kv_cache_fraction", .quantity(.fraction, .positive), default: "0.9"),
    ])

    /// Where a pool of replicas runs and how each is laid out; `required` for the keys a pool
    /// must name (a prefill or decode pool), optional at the top of a unified workload.
    static func poolFields(required: Bool) -> [Field] {
        let racks = Schema.array(of: .string(), minItems: 1)
        let instances = Schema.integer(minimum: 1, maximum: 1_000_000)
        let racksText = "Racks whose nodes the pool is packed onto, as 'hall/rack' with templates ('hall1/r{01..10}')."
        return [
            required ? .required("racks", racks, racksText) : .optional("racks", racks, racksText),
            required ? .required("instances", instances, "Model replicas.") : .optional("instances", instances, "Model replicas."),
            .optional("tensor_parallel", .integer(minimum: 1, maximum: 1_024), default: "1"),
            .optional("data_parallel", .integer(minimum: 1, maximum: 1_024), default: "1",
                      "Attention data parallelism; with MoE, experts spread over tensor × data parallel GPUs."),
            .optional("pipeline_parallel", .integer(minimum: 1, maximum: 128), default: "1",
                      "Pipeline stages, each with a share of the layers; the batch runs through them in micro-batches."),
            .optional("expert_imbalance", .number(minimum: 1, maximum: 100), default: "1",
                      "MoE: load on the busiest expert GPU over the mean."),
            .optional("overlap_communication", .boolean(), default: "false",
                      "MoE: all-to-all hidden behind compute (DeepSeek's dual micro-batch overlap)."),
            .optional("engine", engine),
        ]
    }

    static let pool = Schema.object(poolFields(required: true))

    static let workload = Schema.object([
        .required("name", .string(pattern: "[a-z0-9_-]+")),
        .required("model", .string(), "A model from the catalogue (`dctwin catalog models`)."),
    ] + poolFields(required: false) + [
        .optional("prefill", pool, "Prefill/decode disaggregation: the pool that prefills prompts (then no racks or instances above)."),
        .optional("decode", pool, "Prefill/decode disaggregation: the pool that decodes, its KV caches moved over the fabric."),
        .optional("weight_precision", precision, default: "fp8"),
        .optional("kv_precision", precision, default: "fp8"),
        .required("arrivals", .object([
            .required("process", .choice(["poisson", "gamma", "diurnal", "trace"])),
            .optional("rate", .quantity(.rate, .positive), "Mean arrival rate (every process but 'trace')."),
            .optional("file", .string(), "For 'trace': a CSV with columns arrival_s,prompt_tokens,output_tokens, "
                      + "relative to this scenario file; lengths come from its rows."),
            .optional("cv", .number(minimum: 0.01, maximum: 100), "Coefficient of variation of gaps, for 'gamma'."),
            .optional("profile", .array(of: .number(minimum: 0, maximum: 1_000), minItems: 1, maxItems: 10_000),
                      "Relative rate in equal slices of the period, for 'diurnal'."),
            .optional("period", .quantity(.duration, .positive), default: "24 h"),
        ])),
        .optional("prompt_tokens", tokenLength, "Required unless arrivals replay a trace."),
        .optional("output_tokens", tokenLength, "Required unless arrivals replay a trace."),
        .optional("prefix_cache", .object([
            .required("hit_rate", .quantity(.fraction)),
            .required("cached_fraction", .quantity(.fraction)),
            .optional("groups", .integer(minimum: 1, maximum: 1_000_000), default: "1"),
        ])),
        .optional("slo", .object([
            .optional("ttft", .quantity(.duration, .positive), default: "2 s"),
            .optional("tpot", .quantity(.duration, .positive), default: "200 ms"),
        ])),
        .optional("router", .object([
            .optional("policy", .choice(["round_robin", "least_outstanding", "power_of_two", "prefix_aware"]), default: "least_outstanding"),
            .optional("health_check_interval", .quantity(.duration, .positive), default: "5 s"),
            .optional("health_check_timeout", .quantity(.duration, .positive), default: "1 s"),
            .optional("max_retries", .integer(minimum: 0, maximum: 100), default: "2"),
            .optional("max_outstanding", .integer(minimum: 1, maximum: 100_000_000), default: "100000"),
        ])),
    ])

    static let fault = Schema.object([
        .required("at", .quantity(.duration), "When, from the start of the run."),
        .required("component", .string(), "What fails: 'feed-a', 'ups-b', 'hall1/crah-2', 'hall1/r03/n2', 'chat/instance-3', ..."),
        .required("kind", .choice(faultKinds)),
        .optional("duration", .quantity(.duration, .positive), "Repaired after this long; absent: never repaired."),
    ])

    /// The whole format.
    public static let scenario = Schema.object([
        .required("name", .string(pattern: "[A-Za-z0-9_.-]+")),
        .optional("description", .string()),
        .optional("seed", .integer(minimum: 0), default: "1"),
        .required("duration", .quantity(.duration, QuantityBounds.positive.atMost(maximumDurationSeconds)),
                  "The whole simulated run, warm-up included."),
        .optional("warm_up", .quantity(.duration), default: "0 s",
                  "The first part of the run, not measured: its arrivals are served but left out of latencies, tokens, energy and cost."),
        .optional("sample_interval", .quantity(.duration, .positive), default: "1 min"),
        .optional("economics", .object([
            .optional("gpu_hour_price", .quantity(.hourlyPrice), default: "$2.50/h"),
            .optional("electricity_price", .quantity(.energyPrice), default: "$0.08/kWh"),
        ])),
        .optional("catalog", .object([
            .optional("gpus", .array(of: catalogGPU)),
            .optional("nodes", .array(of: catalogNode)),
            .optional("models", .array(of: catalogModel)),
        ]), "Entries added to, or overriding, the built-in catalogue."),
        .required("site", .object([
            .required("power", .object([
                .required("ups", .object([
                    .required("rating", .quantity(.power, .positive), "All modules together, per feed."),
                    .optional("modules", .integer(minimum: 1, maximum: 64), default: "1"),
                    .optional("battery_runtime", .quantity(.duration, .positive), default: "5 min", "At full rated load."),
                ])),
                .optional("generator", .object([
                    .optional("start_delay", .quantity(.duration), default: "10 s"),
                    .optional("fail_to_start_probability", .quantity(.fraction), default: "0"),
                ])),
            ]), "Two feeds (A and B), each utility + generator + UPS, alike."),
            .required("halls", .array(of: hall, minItems: 1)),
        ])),
        .optional("fabric", .object([
            .optional("nodes_per_leaf_group", .integer(minimum: 1, maximum: 100_000), default: "32",
                      "Nodes under one leaf switch per rail (a DGX SuperPOD scalable unit is 32)."),
            .optional("oversubscription", .number(minimum: 1, maximum: 64), default: "1",
                      "Leaf downlink over uplink bandwidth; 1 is non-blocking."),
            .optional("latency", .quantity(.duration), default: "5 us", "Start-up latency of one transfer."),
        ]), "The scale-out network: one NIC per GPU (from the node type), rail-optimised leaf groups."),
        .optional("workloads", .array(of: workload)),
        .optional("faults", .array(of: fault)),
        .optional("expect", .array(of: .string()), "Conditions on the results, like 'chat.ttft.p99 < 2 s'; any failure exits 3."),
        .optional("outputs", .object([
            .optional("timeseries", .boolean(), default: "true"),
            .optional("events", .boolean(), default: "true"),
            .optional("html", .boolean(), default: "true", "report.html: one self-contained page with charts."),
            .optional("requests", .boolean(), default: "false", "requests.csv: one row per measured completed request."),
        ])),
    ])
}

extension ScenarioSchema {
    /// The published JSON Schema: `dctwin schema` prints it; `topologies/schema.json` holds it.
    public static var jsonSchemaText: String {
        jsonSchema(of: scenario, title: "dctwin scenario", id: "https://github.com/dctwin/dctwin/topologies/schema.json")
    }
}
