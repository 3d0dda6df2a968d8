/**
 * The platform's live stream (`GET /api/v1/stream`, Server-Sent Events) for the signed-in
 * user: alarm lifecycle events (staff) and inbox messages. EventSource cannot send the
 * Authorization header, so this reads the stream over fetch (@microsoft/fetch-event-source);
 * on `expired` or a dropped connection it reconnects with a fresh token and Last-Event-ID
 * (the stream replays what was missed).
 */
import { defineStore } from "pinia";
import { ref } from "vue";
import { fetchEventSource } from "@microsoft/fetch-event-source";
import { useAuth } from "@/stores/auth";

export interface AlarmEvent {
  alarm_id: string;
  event: "raised" | "acknowledged" | "cleared";
  alarm_type: string;
  severity: string;
  status: string;
  title: string;
  community_id: string;
  building_id: string | null;
  at: string;
}

export interface MessageEvent {
  id: number;
  title: string;
  body: string;
  severity: string;
  correlation_id: string | null;
  created_at: string;
}

type Listener<T> = (event: T) => void;

export const useLive = defineStore("live", () => {
  const connected = ref(false);
  const alarmListeners = new Set<Listener<AlarmEvent>>();
  const messageListeners = new Set<Listener<MessageEvent>>();
  let controller: AbortController | null = null;
  let lastEventId = "";

  function start() {
    if (controller) return;
    controller = new AbortController();
    const auth = useAuth();
    const signal = controller.signal;
    const run = async () => {
      while (!signal.aborted) {
        const token = await auth.freshToken();
        if (!token) break;
        try {
          await fetchEventSource("/api/v1/stream", {
            signal,
            openWhenHidden: true,
            headers: {
              Authorization: `Bearer ${token}`,
              Accept: "text/event-stream",
              ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
            },
            onopen: async (response) => {
              if (!response.ok) throw new Error(`stream ${response.status}`);
              connected.value = true;
            },
            onmessage: (message) => {
              if (message.id) lastEventId = message.id;
              if (message.event === "expired") throw new Error("expired");
              if (!message.data) return;
              const data = JSON.parse(message.data);
              if (message.event === "alarm") alarmListeners.forEach((l) => l(data));
              if (message.event === "message") messageListeners.forEach((l) => l(data));
            },
            onclose: () => {
              throw new Error("closed");
            },
            onerror: (error) => {
              throw error; // reconnect below, with a fresh token
            },
          });
        } catch {
          connected.value = false;
        }
        if (!signal.aborted) await new Promise((r) => setTimeout(r, 2000));
      }
    };
    void run();
  }

  function stop() {
    controller?.abort();
    controller = null;
    connected.value = false;
  }

  function onAlarm(listener: Listener<AlarmEvent>) {
    alarmListeners.add(listener);
    return () => alarmListeners.delete(listener);
  }

  function onMessage(listener: Listener<MessageEvent>) {
    messageListeners.add(listener);
    return () => messageListeners.delete(listener);
  }

  return { connected, start, stop, onAlarm, onMessage };
});
