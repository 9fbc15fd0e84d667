// Load phase 1: which device and dtype a load uses — from the user's choice, what this browser's
// WebGPU offers, and Node's onnxruntime-node — and the WASM fallback when WebGPU fails.

import { env } from '@huggingface/transformers';
import type { DeviceChoice, DtypeChoice, ResolvedDevice, ResolvedDtype } from '../protocol.ts';
import { RuntimeError, type RuntimeErrorCode } from '../errors.ts';
import { isNodeRuntime } from '../environment.ts';

/** The device and dtype a load uses, the ONNX file that follows, and why (shown as info.deviceNote). */
export interface DevicePlan {
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** Relative to the model folder, e.g. "onnx/model_quantized.onnx". */
  modelFile: string;
  note?: string;
}

export interface GpuProbe {
  available: boolean;
  fallback: boolean;
  reason: string;
}

/** What this runtime offers: Node or a browser, and (browser) what WebGPU says. */
export interface DeviceEnvironment {
  node: boolean;
  probeWebGpu: () => Promise<GpuProbe>;
}

const DTYPE_SUFFIX: Record<ResolvedDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

export function modelFileFor(dtype: ResolvedDtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

async function probeWebGpu(): Promise<GpuProbe> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: unknown): Promise<unknown> } } }).navigator;
  const gpu = nav?.gpu;
  if (!gpu)
    return { available: false, fallback: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  interface Adapter {
    info?: { isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  }
  const adapter = (await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null)) as Adapter | null;
  if (!adapter) return { available: false, fallback: false, reason: 'WebGPU returned no adapter (no usable GPU)' };
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return fallback
    ? { available: true, fallback: true, reason: 'the only WebGPU adapter is a software fallback (slower than WASM)' }
    : { available: true, fallback: false, reason: 'a hardware WebGPU adapter is available' };
}

const realEnvironment: DeviceEnvironment = { node: false, probeWebGpu };

export async function resolveDevice(
  choice: DeviceChoice,
  where: DeviceEnvironment = { ...realEnvironment, node: isNodeRuntime() },
): Promise<{ device: ResolvedDevice; note?: string }> {
  if (where.node) {
    if (choice === 'webgpu') return { device: 'webgpu', note: 'WebGPU requested (onnxruntime-node)' };
    if (choice === 'wasm')
      return { device: 'cpu', note: 'WASM is for browsers; Node uses onnxruntime-node on the CPU' };
    return { device: 'cpu' };
  }
  if (choice === 'wasm' || choice === 'cpu') return { device: 'wasm' };
  const probe = await where.probeWebGpu();
  if (choice === 'webgpu') {
    if (!probe.available) {
      throw new RuntimeError(
        'webgpu-unavailable',
        `WebGPU is not available: ${probe.reason}. Switch the device to WASM (or Auto) and load again.`,
      );
    }
    return probe.fallback ? { device: 'webgpu', note: probe.reason } : { device: 'webgpu' };
  }
  return probe.available && !probe.fallback
    ? { device: 'webgpu', note: probe.reason }
    : { device: 'wasm', note: `using WASM: ${probe.reason}` };
}

/** 'auto' is q8 on WASM (smaller download, faster there) and fp32 elsewhere. */
export function resolveDtype(choice: DtypeChoice, device: ResolvedDevice): ResolvedDtype {
  if (choice !== 'auto') return choice;
  return device === 'wasm' ? 'q8' : 'fp32';
}

export async function resolveDeviceAndDtype(
  device: DeviceChoice,
  dtype: DtypeChoice,
  where?: DeviceEnvironment,
): Promise<DevicePlan> {
  const resolved = await resolveDevice(device, where);
  const chosen = resolveDtype(dtype, resolved.device);
  return {
    device: resolved.device,
    dtype: chosen,
    modelFile: modelFileFor(chosen),
    ...(resolved.note !== undefined ? { note: resolved.note } : {}),
  };
}

/** Errors a different device cannot cure. */
const NOT_DEVICE_ERRORS: readonly RuntimeErrorCode[] = [
  'file-missing',
  'corrupt-model',
  'not-masked-lm',
  'hub-unreachable',
  'cancelled',
];

/** Whether a failed load falls back to WASM: only when 'auto' picked WebGPU and the device may be why. */
export function fallsBackToWasm(choice: DeviceChoice, plan: DevicePlan, code: RuntimeErrorCode): boolean {
  return choice === 'auto' && plan.device === 'webgpu' && !NOT_DEVICE_ERRORS.includes(code);
}

/** The plan after WebGPU failed with `why`. */
export function wasmFallback(dtype: DtypeChoice, why: string): DevicePlan {
  const chosen = resolveDtype(dtype, 'wasm');
  return { device: 'wasm', dtype: chosen, modelFile: modelFileFor(chosen), note: `WebGPU failed (${why}); using WASM` };
}

/** WASM threads; null where the backend picks. */
export function wasmThreads(): number | null {
  const wasm = (env.backends.onnx as { wasm?: { numThreads?: number } } | undefined)?.wasm;
  return typeof wasm?.numThreads === 'number' && wasm.numThreads > 0 ? wasm.numThreads : 1;
}
