import { describe, expect, it } from 'vitest';
import { modelFactsOf, recogniseServer, shellWords, imageRepository } from '../../src/engine/servers.js';
import type { ContainerRef } from '../../src/engine/extract.js';

const ref = (container: Record<string, unknown>): ContainerRef => ({ container, name: 'c', type: 'container', path: ['spec', 'containers', 0] });

describe('recogniseServer', () => {
  it('reads vLLM by image, with --model, -tp and -pp', () => {
    const s = recogniseServer(ref({ image: 'docker.io/vllm/vllm-openai:v0.10.0', args: ['--model', 'meta-llama/Llama-3.1-70B-Instruct', '-tp', '4', '--pipeline-parallel-size=2'] }));
    expect([s?.server.id, s?.model?.value, s?.tensorParallel?.value, s?.pipelineParallel?.value, s?.model?.path]).toEqual(['vllm', 'meta-llama/Llama-3.1-70B-Instruct', 4, 2, ['spec', 'containers', 0, 'args', 1]]);
  });

  it('reads `vllm serve <model>` inside a sh -c script, resolving $(VAR) from literal env', () => {
    const s = recogniseServer(ref({
      image: 'example.org/custom:1.0',
      command: ['/bin/sh', '-c'],
      args: ['pip list && exec vllm serve $(MODEL) --tensor-parallel-size "$TP" --port 8000 & wait'],
      env: [{ name: 'MODEL', value: 'Qwen/Qwen2.5-7B-Instruct' }, { name: 'TP', value: '2' }],
    }));
    expect([s?.server.id, s?.model?.value, s?.tensorParallel?.value]).toEqual(['vllm', 'Qwen/Qwen2.5-7B-Instruct', 2]);
  });

  it('reads underscore spellings of long flags (vLLM accepts --pipeline_parallel_size)', () => {
    const s = recogniseServer(ref({ image: 'vllm/vllm-openai:v0.8.5', command: ['sh', '-c', 'python3 -m vllm.entrypoints.openai.api_server --model m/M-405B --tensor-parallel-size 8 --pipeline_parallel_size 2'] }));
    expect([s?.tensorParallel?.value, s?.pipelineParallel?.value]).toEqual([8, 2]);
  });

  it('marks an unresolved reference', () => {
    const s = recogniseServer(ref({ image: 'vllm/vllm-openai:v0.10.0', args: ['--model', '$(MODEL_FROM_SECRET)'] }));
    expect([s?.unresolved, s?.model]).toEqual([true, undefined]);
  });

  it('reads SGLang by module, TGI by env, NIM by image, llama.cpp by -hf', () => {
    expect(recogniseServer(ref({ image: 'x/y:1', command: ['python3', '-m', 'sglang.launch_server'], args: ['--model-path', 'a/B-32B', '--tp', '4'] }))?.tensorParallel?.value).toBe(4);
    const tgi = recogniseServer(ref({ image: 'ghcr.io/huggingface/text-generation-inference:3.0', env: [{ name: 'MODEL_ID', value: 'a/B-7B' }, { name: 'NUM_SHARD', value: '2' }] }));
    expect([tgi?.server.id, tgi?.model?.value, tgi?.tensorParallel?.value]).toEqual(['tgi', 'a/B-7B', 2]);
    expect(recogniseServer(ref({ image: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3' }))?.model?.value).toBe('meta/llama-3.1-8b-instruct');
    expect(recogniseServer(ref({ image: 'ghcr.io/ggml-org/llama.cpp:server', args: ['-hf', 'a/B-7B-GGUF'] }))?.model?.value).toBe('a/B-7B-GGUF');
  });

  it('leaves other containers alone', () => {
    expect(recogniseServer(ref({ image: 'python:3.12', command: ['python', 'train.py', '--model', 'x'] }))).toBeUndefined();
    expect(recogniseServer(ref({ image: 'busybox:1.36', args: ['echo', 'vllm'] }))).toBeUndefined();
  });

  it('does not take a command that replaces the server image entrypoint as the server', () => {
    const s = recogniseServer(ref({ image: 'vllm/vllm-openai:v0.10.0', command: ['sleep', 'infinity'], args: ['--model', 'a/B-70B'] }));
    expect(s?.model).toBeUndefined();
  });
});

describe('modelFactsOf', () => {
  it.each([
    ['meta-llama/Llama-3.1-70B-Instruct', 70, undefined],
    ['Qwen/Qwen2.5-0.5B-Instruct', 0.5, undefined],
    ['facebook/opt-125m', 0.125, undefined],
    ['hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4', 8, 0.5],
    ['neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8', 70, 1],
    ['Qwen/Qwen3-235B-A22B', 235, undefined],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 46.7, undefined],
    ['openai/gpt-oss-20b', 21, 0.62],
    ['hf://meta-llama/Llama-3.2-1B', 1, undefined],
    ['microsoft/phi-4', undefined, undefined],
  ])('%s', (id, params, bytes) => {
    const facts = modelFactsOf(id);
    expect([facts.paramsB, facts.bytesPerParam]).toEqual([params, bytes]);
  });
});

describe('helpers', () => {
  it('splits shell words with quotes and operators', () => {
    expect(shellWords(`a "b c" 'd e' f\\ g&&h;i`)).toEqual(['a', 'b c', 'd e', 'f g', '&&', 'h', ';', 'i']);
  });
  it('strips registry host, tag and digest from images', () => {
    expect(imageRepository('registry.k8s.io:5000/org/img:1.0@sha256:abc')).toBe('org/img');
    expect(imageRepository('vllm/vllm-openai')).toBe('vllm/vllm-openai');
  });
});
