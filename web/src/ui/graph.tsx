/**
 * A graph drawn with sigma.js (WebGL) from a graphology graph. The component mounts sigma once
 * per graph and kills it on unmount, follows its container's size, lays the graph out with
 * ForceAtlas2 in short synchronous bursts (a bounded number of iterations, one burst per frame,
 * so the page stays responsive), and offers zoom in / zoom out / reset buttons.
 *
 * Built for thousands of nodes: nothing is React state per node. Labels are drawn only once the
 * reader has zoomed in past a threshold (for large graphs), edges are hidden while moving, and a
 * highlighted node (from an accessible list beside the graph) is kept in a ref and applied by
 * sigma's reducers. The canvas is not accessible by itself: pair it with a list of the nodes.
 */
import type Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { type ReactNode, type Ref, useEffect, useImperativeHandle, useRef, useState } from 'react';
import Sigma from 'sigma';

/** What each node of the graph carries (x and y are set by the caller, then by the layout). */
export interface GraphNodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  [key: string]: unknown;
}

export interface GraphHandle {
  /** Emphasises a node and its neighbours (undefined: none). */
  highlight(node: string | undefined): void;
  /** Moves the camera to a node. */
  focus(node: string): void;
}

const DIMMED = '#d1d5db';
const EDGE = '#9ca3af';

/** Total ForceAtlas2 iterations: fewer for large graphs, so the layout ends in about a second. */
function iterationsFor(order: number): number {
  if (order <= 300) return 300;
  if (order <= 1500) return 150;
  if (order <= 5000) return 80;
  return 40;
}

function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) !== null;
  } catch {
    return false;
  }
}

export function GraphView(props: {
  readonly graph: Graph;
  /** What the graph shows, for screen readers (the canvas itself says nothing). */
  readonly label: string;
  readonly onNodeClick?: (node: string) => void;
  /** Camera ratio at or below which labels are drawn; default: always for small graphs. */
  readonly labelZoomThreshold?: number;
  /** Runs ForceAtlas2 on mount (default true). */
  readonly layout?: boolean;
  readonly testId?: string;
  readonly className?: string;
  readonly children?: ReactNode;
  readonly ref?: Ref<GraphHandle>;
}) {
  const { graph, onNodeClick, labelZoomThreshold, layout = true } = props;
  const container = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<Sigma | undefined>(undefined);
  const highlighted = useRef<{ node: string; neighbours: Set<string> } | undefined>(undefined);
  const clickRef = useRef(onNodeClick);
  clickRef.current = onNodeClick;
  const [failed, setFailed] = useState(false);
  const [laying, setLaying] = useState(false);

  useImperativeHandle(
    props.ref,
    () => ({
      highlight(node) {
        highlighted.current =
          node !== undefined && graph.hasNode(node)
            ? { node, neighbours: new Set(graph.neighbors(node)) }
            : undefined;
        sigmaRef.current?.refresh({ skipIndexation: true });
      },
      focus(node) {
        const sigma = sigmaRef.current;
        if (sigma === undefined || !graph.hasNode(node)) return;
        const data = sigma.getNodeDisplayData(node);
        if (data === undefined) return;
        void sigma.getCamera().animate({ x: data.x, y: data.y, ratio: 0.25 }, { duration: 400 });
      },
    }),
    [graph],
  );

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    if (!webglAvailable()) {
      setFailed(true);
      return;
    }
    const order = graph.order;
    const threshold = labelZoomThreshold ?? (order <= 250 ? Number.POSITIVE_INFINITY : 0.35);
    let sigma: Sigma;
    try {
      sigma = new Sigma(graph, element, {
        allowInvalidContainer: true,
        hideEdgesOnMove: order > 1000,
        hideLabelsOnMove: order > 1000,
        renderLabels: threshold >= 1,
        labelRenderedSizeThreshold: 6,
        labelDensity: 0.5,
        labelColor: { color: '#111827' },
        labelFont: 'system-ui, sans-serif',
        labelSize: 12,
        defaultEdgeColor: EDGE,
        zIndex: true,
        minCameraRatio: 0.02,
        maxCameraRatio: 4,
        nodeReducer: (node, data) => {
          const h = highlighted.current;
          if (h === undefined) return data;
          if (node === h.node) return { ...data, highlighted: true, forceLabel: true, zIndex: 2 };
          if (h.neighbours.has(node)) return { ...data, forceLabel: order <= 2000, zIndex: 1 };
          return { ...data, color: DIMMED, label: null, zIndex: 0 };
        },
        edgeReducer: (edge, data) => {
          const h = highlighted.current;
          if (h === undefined) return data;
          const [source, target] = graph.extremities(edge);
          return source === h.node || target === h.node
            ? { ...data, color: '#374151', size: Math.max(1.5, data.size ?? 1), zIndex: 1 }
            : { ...data, hidden: true };
        },
      });
    } catch {
      setFailed(true);
      return;
    }
    sigmaRef.current = sigma;
    setFailed(false);

    // Labels only once zoomed in enough (the camera's ratio shrinks as one zooms in).
    let labels = threshold >= 1;
    const camera = sigma.getCamera();
    const onCamera = () => {
      const show = camera.ratio <= threshold;
      if (show !== labels) {
        labels = show;
        sigma.setSetting('renderLabels', show);
      }
    };
    camera.on('updated', onCamera);

    sigma.on('clickNode', ({ node }) => clickRef.current?.(node));
    sigma.on('enterNode', () => {
      element.classList.add('graph-pointer');
    });
    sigma.on('leaveNode', () => {
      element.classList.remove('graph-pointer');
    });

    const observer = new ResizeObserver(() => {
      sigma.resize();
      sigma.refresh();
    });
    observer.observe(element);

    // ForceAtlas2 in bursts, one per frame, until the iteration budget is spent.
    let frame = 0;
    if (layout && order > 1 && graph.size > 0) {
      const settings = {
        ...forceAtlas2.inferSettings(graph),
        barnesHutOptimize: order > 800,
      };
      let left = iterationsFor(order);
      // The layout runs on a copy that nothing draws, in bursts of about 25 ms (measured as it
      // goes); the positions are copied to the drawn graph once a second and at the end, so
      // sigma redraws a few times, not once per iteration.
      const work = graph.copy();
      const publish = () =>
        graph.updateEachNodeAttributes(
          (node, attributes) => {
            const placed = work.getNodeAttributes(node);
            return { ...attributes, x: placed.x as number, y: placed.y as number };
          },
          { attributes: ['x', 'y'] },
        );
      let burst = 1;
      let published = performance.now();
      setLaying(true);
      const step = () => {
        const n = Math.min(burst, left);
        const started = performance.now();
        forceAtlas2.assign(work, { iterations: n, settings });
        const now = performance.now();
        burst = Math.max(1, Math.min(50, Math.floor(25 / Math.max((now - started) / n, 0.01))));
        left -= n;
        if (left > 0) {
          if (now - published > 1000) {
            publish();
            published = now;
          }
          frame = requestAnimationFrame(step);
        } else {
          frame = 0;
          publish();
          setLaying(false);
          void camera.animatedReset({ duration: 200 });
        }
      };
      frame = requestAnimationFrame(step);
    }

    return () => {
      if (frame !== 0) cancelAnimationFrame(frame);
      observer.disconnect();
      camera.removeListener('updated', onCamera);
      sigma.kill();
      sigmaRef.current = undefined;
      element.classList.remove('graph-pointer');
    };
  }, [graph, labelZoomThreshold, layout]);

  const camera = () => sigmaRef.current?.getCamera();
  return (
    <div className={['graph-frame', props.className].filter(Boolean).join(' ')}>
      <div className="graph-controls">
        <button
          type="button"
          onClick={() => void camera()?.animatedZoom({ duration: 250 })}
          disabled={failed}
        >
          Zoom in
        </button>
        <button
          type="button"
          onClick={() => void camera()?.animatedUnzoom({ duration: 250 })}
          disabled={failed}
        >
          Zoom out
        </button>
        <button
          type="button"
          onClick={() => void camera()?.animatedReset({ duration: 250 })}
          disabled={failed}
        >
          Reset view
        </button>
        <span className="muted graph-status" role="status" aria-live="polite">
          {laying ? 'Arranging the graph…' : ''}
        </span>
      </div>
      {failed ? (
        <div className="graph graph-fallback" data-testid={props.testId}>
          <p>
            This browser cannot draw the graph (WebGL is not available). Every node is in the list
            beside it.
          </p>
        </div>
      ) : (
        <div
          ref={container}
          className="graph graph-canvas"
          data-testid={props.testId}
          role="img"
          aria-label={props.label}
        />
      )}
      {props.children}
    </div>
  );
}
