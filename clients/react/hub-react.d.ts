import type { ReactNode, Context } from 'react';
import type { HubClient, HubClientOptions, HubEvent, HubState, Ack, SubscribedFrame, UnsubscribedFrame } from '@hub/client';

export const HubContext: Context<HubClient | null>;

/** Provides one client to the hooks below; with `options` instead of `client` it creates one and closes it on unmount. */
export function HubProvider(props: { client?: HubClient; options?: HubClientOptions; children?: ReactNode }): any;

export function useHub(client?: HubClient): {
  hub: HubClient;
  state: HubState;
  node: string | null;
  isConnected: boolean;
  /** Sends any frame (e.g. the shorthand `{type:'chat', payload}`), queued while disconnected: the old useWebSocket's `send`. */
  send(frame: { type: string; [field: string]: unknown }): void;
};

export function useChannel(
  channel: string | null | undefined,
  onEvent?: (event: HubEvent) => void,
  options?: {
    client?: HubClient;
    /** The stream was reset (a new epoch, or a resume that could not recover): reload what you show. */
    onReset?: (frame: SubscribedFrame) => void;
    /** The hub ended the subscription (`forbidden`: a refreshed token no longer allows it). */
    onEnd?: (frame: UnsubscribedFrame) => void;
  },
): {
  isConnected: boolean;
  state: HubState;
  lastEvent: HubEvent | null;
  /** The hub's `unsubscribed` frame once it ended the subscription, else null. */
  ended: UnsubscribedFrame | null;
  publish(event: { type: string; [field: string]: unknown }): Promise<Ack>;
};
