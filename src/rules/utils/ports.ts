/**
 * Ports of Services and containers, read defensively: `targetPort`/`port` values are IntOrString, names
 * and numbers are matched the way kube-proxy and the endpoints controller do.
 */
import type { Workload } from '../../engine/context.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { LoadedObject, Path } from '../../types.js';

/** A port reference: a number, or a port name. Numeric strings read as numbers. */
export type PortRef = number | string;

export function toPortRef(value: unknown): PortRef | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
  }
  return undefined;
}

export function describePortRef(ref: PortRef): string {
  return typeof ref === 'number' ? String(ref) : `"${ref}"`;
}

export interface ContainerPort {
  name: string | undefined;
  number: number | undefined;
  protocol: string;
  container: string;
}

/**
 * The ports the pods of a workload serve: ports of its containers and of native sidecars (init containers
 * with `restartPolicy: Always`). Ordinary init containers have exited before traffic arrives.
 */
export function containerPortsOf(workload: Workload): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const ref of workload.template.containers) {
    if (ref.type === 'ephemeralContainer') continue;
    if (ref.type === 'initContainer' && ref.container.restartPolicy !== 'Always') continue;
    const ports = ref.container.ports;
    if (!Array.isArray(ports)) continue;
    for (const port of ports) {
      if (!isPlainObject(port)) continue;
      const number = toPortRef(port.containerPort);
      out.push({
        name: typeof port.name === 'string' && port.name !== '' ? port.name : undefined,
        number: typeof number === 'number' ? number : undefined,
        protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
        container: ref.name,
      });
    }
  }
  // Ports the controller adds to the first container (KubeRay's `metrics`), unless one of that name is declared.
  const first = workload.template.containers.find((c) => c.type === 'container');
  for (const injected of workload.template.injectedPorts) {
    if (!first || out.some((p) => p.name === injected.name)) continue;
    out.push({ name: injected.name, number: injected.containerPort, protocol: 'TCP', container: first.name });
  }
  return out;
}

/** Whether a port reference (number or name) is one of the ports; protocol checked when given. */
export function hasContainerPort(ports: readonly ContainerPort[], ref: PortRef, protocol?: string): boolean {
  return ports.some(
    (p) => (typeof ref === 'number' ? p.number === ref : p.name === ref) && (protocol === undefined || p.protocol === protocol),
  );
}

/** `http (8080), metrics (9090)`, or `none`. */
export function describeContainerPorts(ports: readonly ContainerPort[]): string {
  if (ports.length === 0) return 'none';
  return ports
    .map((p) => (p.name !== undefined ? `${p.name} (${p.number ?? '?'})` : String(p.number ?? '?')))
    .join(', ');
}

export interface ServicePort {
  index: number;
  path: Path;
  name: string | undefined;
  port: number | undefined;
  /** `targetPort` as written, else `port` (the Kubernetes default). */
  targetPort: PortRef | undefined;
  targetPortWritten: boolean;
  protocol: string;
}

export function servicePortsOf(service: LoadedObject): ServicePort[] {
  const spec = service.object.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.ports)) return [];
  const out: ServicePort[] = [];
  spec.ports.forEach((raw, index) => {
    if (!isPlainObject(raw)) return;
    const port = toPortRef(raw.port);
    const written = toPortRef(raw.targetPort);
    out.push({
      index,
      path: ['spec', 'ports', index],
      name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined,
      port: typeof port === 'number' ? port : undefined,
      targetPort: written ?? (typeof port === 'number' ? port : undefined),
      targetPortWritten: written !== undefined,
      protocol: typeof raw.protocol === 'string' ? raw.protocol : 'TCP',
    });
  });
  return out;
}

/** `http (80), metrics (9090)`, or `none`. */
export function describeServicePorts(ports: readonly ServicePort[]): string {
  if (ports.length === 0) return 'none';
  return ports.map((p) => (p.name !== undefined ? `${p.name} (${p.port ?? '?'})` : String(p.port ?? '?'))).join(', ');
}
