package dev.hub.history;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proof that a majority of the cluster's data members is alive after a given moment: rounds in
 * which every other data member is asked to answer, one round at a time. A caller waits for a round
 * that starts after its call, so an append is acknowledged only if, once it completed, a majority
 * still answered; the callers of one round share it, so under load a round costs one request per
 * member however many appends wait for it. (Raft leaders confirm their leadership the same way
 * before they serve a read.)
 *
 * <p>Why it is needed: Hazelcast completes an append without waiting for a backup it could not
 * send, and keeps listing a member that died or went silent for seconds (until the failure
 * detector or the master decides), so neither the member list nor the split-brain protection tells
 * at that moment whether the event is held by anyone but this node.
 */
final class MajorityRounds {
  /** The executor that carries {@link Alive}; Hazelcast's defaults (a small pool per member) suffice. */
  private static final String EXECUTOR = "hub-history-quorum";

  private final HazelcastInstance hazelcast;
  private final IExecutorService executor;
  private final int minimum;
  private final long answerMs;
  /** Completed by the round after the one under way; null while no caller waits for one. */
  private CompletableFuture<Boolean> next;

  private boolean running;

  /**
   * @param minimum data members, this one included, that make a majority
   * @param answerMs how long a member may take to answer before it counts as gone
   */
  MajorityRounds(HazelcastInstance hazelcast, int minimum, long answerMs) {
    this.hazelcast = hazelcast;
    this.executor = hazelcast.getExecutorService(EXECUTOR);
    this.minimum = minimum;
    this.answerMs = answerMs;
  }

  /** Whether a majority answers in a round that starts after this call; completes on a Hazelcast thread. */
  CompletionStage<Boolean> confirmFromNow() {
    CompletableFuture<Boolean> verdict;
    synchronized (this) {
      if (running) {
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return next;
      }
      running = true;
      verdict = new CompletableFuture<>();
    }
    start(verdict);
    return verdict;
  }

  private void start(CompletableFuture<Boolean> verdict) {
    round().whenComplete((majority, failure) -> {
      verdict.complete(failure == null && majority);
      CompletableFuture<Boolean> following;
      synchronized (this) {
        following = next;
        next = null;
        running = following != null;
      }
      if (following != null) {
        start(following);
      }
    });
  }

  /** One round: every other data member asked once; true as soon as a majority has answered. */
  private CompletableFuture<Boolean> round() {
    Member self = hazelcast.getCluster().getLocalMember();
    List<Member> others = hazelcast.getCluster().getMembers().stream()
        .filter(member -> !member.isLiteMember() && !member.equals(self))
        .toList();
    if (others.size() + 1 < minimum) {
      return CompletableFuture.completedFuture(false);
    }
    if (minimum <= 1) {
      return CompletableFuture.completedFuture(true);
    }
    CompletableFuture<Boolean> verdict = new CompletableFuture<>();
    AtomicInteger answered = new AtomicInteger(1);
    AtomicInteger pending = new AtomicInteger(others.size());
    ExecutionCallback<Boolean> count = new ExecutionCallback<>() {
      @Override
      public void onResponse(Boolean alive) {
        if (answered.incrementAndGet() >= minimum) {
          verdict.complete(true);
        }
        onFailure(null);
      }

      @Override
      public void onFailure(Throwable t) {
        if (pending.decrementAndGet() == 0) {
          verdict.complete(answered.get() >= minimum);
        }
      }
    };
    for (Member member : others) {
      executor.submitToMember(new Alive(), member, count);
    }
    return verdict.completeOnTimeout(false, answerMs, TimeUnit.MILLISECONDS);
  }

  /** Answered by a member that is alive: the answer is the proof. */
  private static final class Alive implements Callable<Boolean>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call() {
      return true;
    }
  }
}
