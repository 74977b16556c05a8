/**
 * Inference servers mllint recognises by image or command, without annotations: how each takes its model
 * and its parallelism. One row per server, each citing its documentation. Patterns are fixed here (never
 * from the linted repository) and run over one image reference or one command token at a time.
 */

export interface InferenceServerDef {
  id: string;
  /** Display name. */
  name: string;
  /** Where the facts of this row come from. */
  source: string;
  /** Matched against the image repository (registry host and tag stripped), e.g. `vllm/vllm-openai`. */
  images: RegExp[];
  /**
   * How the server is started: a token sequence (`['vllm', 'serve']`, `['sglang.launch_server']`): each
   * entry matches one command token (its basename, `python -m` module names included).
   */
  commands: string[][];
  /** Flags that name the model (first found wins). */
  modelFlags: string[];
  /** The model is the first positional argument after the command (`vllm serve <model>`). */
  positionalModel?: boolean;
  /** Env variables that name the model. */
  modelEnv?: string[];
  /** Tensor-parallel size flags (and env). */
  tensorParallelFlags?: string[];
  tensorParallelEnv?: string[];
  pipelineParallelFlags?: string[];
  /** Data-parallel flags: with them the GPU count is not tensor × pipeline alone (the rule stays silent). */
  dataParallelFlags?: string[];
  /** Number of nodes one server spans (`--nnodes`): GPUs per pod are tensor × pipeline / nodes. */
  nodesFlags?: string[];
  /** Flags that offload weights to CPU memory (then weights need not fit in the GPUs). */
  offloadFlags?: string[];
  /** `--quantization`/`--dtype`-like flags, whose value tells the bytes per parameter. */
  quantizationFlags?: string[];
  dtypeFlags?: string[];
  /** Serves large language models (load time grows with the weights: liveness-survives-model-load estimates it). */
  llm: boolean;
  /** Uses several GPUs through NCCL when its tensor/pipeline size is above 1 (needs a sized /dev/shm). */
  nccl: boolean;
}

/** The servers. Order matters: the first row whose image or command matches wins. */
export const INFERENCE_SERVERS: readonly InferenceServerDef[] = [
  {
    id: 'vllm', name: 'vLLM', llm: true, nccl: true,
    source: 'https://docs.vllm.ai/en/stable/configuration/engine_args.html (--model, --tensor-parallel-size/-tp, --pipeline-parallel-size/-pp, --data-parallel-size/-dp, --cpu-offload-gb, --quantization, --dtype)',
    images: [/(^|\/)vllm(-openai|-tpu|-cpu)?$/, /(^|\/)vllm-openai[\w.-]*$/, /(^|\/)vllm$/, /(^|\/)(lmcache|llm-d)\/vllm[\w.-]*$/, /(^|\/)llm-d(-cuda)?$/],
    commands: [['vllm', 'serve'], ['vllm.entrypoints.openai.api_server'], ['vllm.entrypoints.api_server']],
    modelFlags: ['--model'],
    positionalModel: true,
    tensorParallelFlags: ['--tensor-parallel-size', '-tp'],
    pipelineParallelFlags: ['--pipeline-parallel-size', '-pp'],
    dataParallelFlags: ['--data-parallel-size', '-dp', '--data-parallel-size-local', '-dpl', '--enable-expert-parallel'],
    offloadFlags: ['--cpu-offload-gb', '--kv-offloading-size'],
    quantizationFlags: ['--quantization', '-q'],
    dtypeFlags: ['--dtype'],
  },
  {
    id: 'sglang', name: 'SGLang', llm: true, nccl: true,
    source: 'https://docs.sglang.ai/advanced_features/server_arguments.html (--model-path, --tp-size/--tp, --pp-size, --dp-size, --nnodes)',
    images: [/(^|\/)sglang[\w.-]*$/],
    commands: [['sglang.launch_server'], ['sglang', 'serve'], ['sglang.launch_server.py']],
    modelFlags: ['--model-path', '--model'],
    tensorParallelFlags: ['--tp-size', '--tp', '--tensor-parallel-size'],
    pipelineParallelFlags: ['--pp-size', '--pp', '--pipeline-parallel-size'],
    dataParallelFlags: ['--dp-size', '--dp', '--data-parallel-size', '--enable-dp-attention', '--ep-size', '--ep'],
    nodesFlags: ['--nnodes'],
    offloadFlags: ['--cpu-offload-gb'],
    quantizationFlags: ['--quantization'],
    dtypeFlags: ['--dtype'],
  },
  {
    id: 'tgi', name: 'Text Generation Inference', llm: true, nccl: true,
    source: 'https://huggingface.co/docs/text-generation-inference/reference/launcher (--model-id / MODEL_ID, --num-shard / NUM_SHARD, --quantize)',
    images: [/(^|\/)text-generation-inference$/, /(^|\/)tgi-[\w.-]+$/],
    commands: [['text-generation-launcher']],
    modelFlags: ['--model-id'],
    modelEnv: ['MODEL_ID'],
    tensorParallelFlags: ['--num-shard'],
    tensorParallelEnv: ['NUM_SHARD'],
    quantizationFlags: ['--quantize'],
    dtypeFlags: ['--dtype'],
  },
  {
    id: 'tensorrt-llm', name: 'TensorRT-LLM', llm: true, nccl: true,
    source: 'https://nvidia.github.io/TensorRT-LLM/commands/trtllm-serve/trtllm-serve.html (trtllm-serve <model>, --tp_size, --pp_size)',
    images: [/(^|\/)tensorrt-llm(\/release|\/devel)?$/, /(^|\/)tensorrt_llm[\w.-]*$/],
    commands: [['trtllm-serve']],
    modelFlags: ['--model'],
    positionalModel: true,
    tensorParallelFlags: ['--tp_size', '--tp-size'],
    pipelineParallelFlags: ['--pp_size', '--pp-size'],
    dataParallelFlags: ['--ep_size', '--ep-size'],
  },
  {
    id: 'lmdeploy', name: 'LMDeploy', llm: true, nccl: true,
    source: 'https://lmdeploy.readthedocs.io/en/latest/llm/api_server.html (lmdeploy serve api_server <model> --tp N)',
    images: [/(^|\/)lmdeploy$/],
    commands: [['lmdeploy', 'serve', 'api_server']],
    modelFlags: [],
    positionalModel: true,
    tensorParallelFlags: ['--tp'],
  },
  {
    id: 'llama-cpp', name: 'llama.cpp server', llm: true, nccl: false,
    source: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (-m/--model, -hf/--hf-repo)',
    images: [/(^|\/)(ggerganov|ggml-org)\/llama\.cpp$/, /(^|\/)llama-cpp-server$/],
    commands: [['llama-server'], ['llama.cpp/server'], ['server', '--model']],
    modelFlags: ['--hf-repo', '-hf', '--model', '-m'],
  },
  {
    id: 'ollama', name: 'Ollama', llm: true, nccl: false,
    source: 'https://github.com/ollama/ollama/blob/main/docs/docker.md',
    images: [/(^|\/)ollama\/ollama$/, /(^|\/)ollama$/],
    commands: [['ollama', 'serve']],
    modelFlags: [],
  },
  {
    id: 'nim', name: 'NVIDIA NIM', llm: true, nccl: true,
    source: 'https://docs.nvidia.com/nim/large-language-models/latest/configuration.html (image nvcr.io/nim/<org>/<model>, NIM_MODEL_NAME, NIM_TENSOR_PARALLEL_SIZE)',
    images: [/^nim\/[\w.-]+\/[\w.-]+$/],
    commands: [],
    modelFlags: [],
    modelEnv: ['NIM_MODEL_NAME'],
    tensorParallelEnv: ['NIM_TENSOR_PARALLEL_SIZE'],
  },
  {
    id: 'triton', name: 'NVIDIA Triton Inference Server', llm: false, nccl: false,
    source: 'https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/ (tritonserver --model-repository)',
    images: [/(^|\/)tritonserver$/],
    commands: [['tritonserver']],
    modelFlags: ['--model-repository', '--model-store'],
  },
  {
    id: 'kserve-huggingface', name: 'KServe Hugging Face runtime', llm: true, nccl: true,
    source: 'https://kserve.github.io/website/docs/model-serving/generative-inference/overview (huggingfaceserver --model_id, vLLM engine args)',
    images: [/(^|\/)kserve\/huggingfaceserver$/],
    commands: [['huggingfaceserver']],
    modelFlags: ['--model_id', '--model-id'],
    tensorParallelFlags: ['--tensor-parallel-size', '--tensor_parallel_size', '-tp'],
    pipelineParallelFlags: ['--pipeline-parallel-size', '--pipeline_parallel_size', '-pp'],
    dataParallelFlags: ['--data-parallel-size', '-dp'],
    dtypeFlags: ['--dtype'],
  },
  {
    id: 'kserve-runtime', name: 'KServe model server', llm: false, nccl: false,
    source: 'https://kserve.github.io/website/docs/model-serving/predictive-inference/frameworks/overview',
    images: [/(^|\/)kserve\/(sklearnserver|xgbserver|lgbserver|pmmlserver|paddleserver|custom-model-grpc|torchserve-kfs)$/],
    commands: [['sklearnserver'], ['xgbserver'], ['lgbserver'], ['pmmlserver'], ['paddleserver']],
    modelFlags: ['--model_dir', '--model-dir'],
  },
  {
    id: 'torchserve', name: 'TorchServe', llm: false, nccl: false,
    source: 'https://pytorch.org/serve/server.html (torchserve --start --model-store)',
    images: [/(^|\/)pytorch\/torchserve[\w.-]*$/, /(^|\/)torchserve[\w.-]*$/],
    commands: [['torchserve']],
    modelFlags: ['--models', '--model-store'],
  },
  {
    id: 'mlserver', name: 'MLServer', llm: false, nccl: false,
    source: 'https://mlserver.readthedocs.io/en/stable/reference/cli.html (mlserver start)',
    images: [/(^|\/)seldonio\/mlserver$/, /(^|\/)mlserver$/],
    commands: [['mlserver', 'start']],
    modelFlags: [],
    modelEnv: ['MLSERVER_MODEL_URI'],
  },
  {
    id: 'ray-serve', name: 'Ray Serve', llm: false, nccl: false,
    source: 'https://docs.ray.io/en/latest/serve/api/index.html#command-line-interface-cli (serve run / serve deploy)',
    images: [],
    commands: [['serve', 'run'], ['serve', 'deploy']],
    modelFlags: [],
  },
  {
    id: 'tensorflow-serving', name: 'TensorFlow Serving', llm: false, nccl: false,
    source: 'https://www.tensorflow.org/tfx/serving/docker (--model_name, --model_base_path)',
    images: [/(^|\/)tensorflow\/serving$/],
    commands: [['tensorflow_model_server']],
    modelFlags: ['--model_base_path', '--model_name'],
    modelEnv: ['MODEL_NAME'],
  },
];
